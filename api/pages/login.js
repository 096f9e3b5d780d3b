// The sign-in page: posts the form as JSON to /api/v1/auth/login, which answers with a token
// and sets the session cookie; then goes to the page asked for (only a local path) or the
// dashboard.
"use strict";
(function () {
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");

  function destination() {
    const next = new URLSearchParams(window.location.search).get("next");
    return next && next.startsWith("/") && !next.startsWith("//") ? next : "/dashboard";
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    error.hidden = true;
    const body = {
      username: form.username.value.trim(),
      password: form.password.value,
    };
    if (form.totp.value.trim() !== "") body.totp = form.totp.value.trim();
    try {
      const response = await fetch("/api/v1/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
      if (response.ok) {
        window.location.assign(destination());
        return;
      }
      let detail = "Sign-in failed.";
      try {
        const problem = await response.json();
        if (problem.detail) detail = problem.detail;
      } catch (e) { /* not JSON */ }
      error.textContent = response.status === 429 ? "Too many attempts; wait a minute." : detail;
    } catch (e) {
      error.textContent = "The server could not be reached.";
    }
    error.hidden = false;
  });
})();
