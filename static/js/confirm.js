// Confirmation before destructive actions, in an accessible <dialog>:
// - links with data-confirm-post lead (without JavaScript) to a confirmation page; here
//   the dialog asks instead and POSTs to the same address with the page's CSRF token;
// - forms with data-confirm are submitted only once the dialog is confirmed.
const dialog = document.getElementById("confirm-dialog");

if (dialog && typeof dialog.showModal === "function") {
  const form = document.getElementById("confirm-form");
  const message = document.getElementById("confirm-message");
  const ok = document.getElementById("confirm-ok");
  const cancel = document.getElementById("confirm-cancel");
  let pendingForm = null;
  let opener = null;

  const open = (text, label, trigger) => {
    message.textContent = text;
    ok.textContent = label || "Confirm";
    opener = trigger;
    dialog.showModal();
    cancel.focus(); // the safe choice has the focus
  };

  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    pendingForm = null;
    if (opener) opener.focus();
  });

  form.addEventListener("submit", (event) => {
    if (!pendingForm) return; // a link's POST: the dialog's own form goes
    event.preventDefault();
    const target = pendingForm;
    pendingForm = null;
    opener = null;
    dialog.close();
    target.dataset.confirmed = "yes";
    target.requestSubmit();
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-confirm-post]");
    if (!link) return;
    event.preventDefault();
    pendingForm = null;
    form.action = link.href;
    open(link.dataset.confirmPost, link.dataset.confirmLabel, link);
  });

  document.addEventListener("submit", (event) => {
    const target = event.target;
    if (target === form || !target.matches("form[data-confirm]")) return;
    if (target.dataset.confirmed === "yes") return;
    event.preventDefault();
    open(target.dataset.confirm, target.dataset.confirmLabel, event.submitter || target);
    pendingForm = target;
  });
}
