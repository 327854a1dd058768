// Copy buttons (data-copy="#selector"): the clipboard API where the page is a secure
// context, else select the text so Ctrl+C works; the result is announced.
const status = document.getElementById("copy-status");

function say(text) {
  if (status) status.textContent = text;
}

for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const source = document.querySelector(button.dataset.copy);
    if (!source) return;
    const value = ("value" in source ? source.value : source.textContent).trim();
    try {
      await navigator.clipboard.writeText(value);
      button.textContent = "Copied";
      say("Token copied to the clipboard.");
    } catch {
      if (source.select) source.select();
      say("Could not copy automatically: the token is selected, press Ctrl+C (or ⌘C).");
    }
  });
}

// Focus the new token so keyboard and screen-reader users land on it.
const panel = document.getElementById("new-token-panel");
if (panel) panel.focus();
