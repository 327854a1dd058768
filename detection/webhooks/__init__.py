"""Signed webhooks: when a detection or a post ends, its result is POSTed to a callback URL,
signed with HMAC-SHA256 over timestamp + body, retried with back-off a bounded number of
times, every attempt logged."""
