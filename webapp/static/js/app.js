// OfferReady front-end behaviour. No inline scripts (the CSP forbids them): everything hangs off data attributes.
(function () {
  "use strict";

  function showToast(message) {
    var toast = document.getElementById("toast");
    if (!toast) return;
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(function () { toast.hidden = true; }, 8000);
  }

  function setCsrfToken(token) {
    var body = document.body;
    try {
      var headers = JSON.parse(body.getAttribute("hx-headers") || "{}");
      headers["X-CSRFToken"] = token;
      body.setAttribute("hx-headers", JSON.stringify(headers));
    } catch (e) { /* leave it */ }
    document.querySelectorAll("input[name=csrf_token]").forEach(function (input) { input.value = token; });
  }

  // Live word count and suggested length for answer boxes.
  function wireCounter(textarea) {
    var target = document.getElementById(textarea.getAttribute("data-word-count"));
    if (!target || textarea.dataset.counterWired) return;
    textarea.dataset.counterWired = "1";
    var update = function () {
      var words = textarea.value.trim() ? textarea.value.trim().split(/\s+/).length : 0;
      target.textContent = words + (words === 1 ? " word" : " words");
    };
    textarea.addEventListener("input", update);
    update();
  }

  // Ctrl+Enter (or Cmd+Enter) submits the form the box belongs to.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && el && el.matches("textarea[data-submit-on-ctrl-enter]")) {
      event.preventDefault();
      var submit = el.form && el.form.querySelector("button[type=submit]");
      if (el.form && !(submit && submit.disabled)) el.form.requestSubmit();
    }
  });

  // While the hiring manager's reply is still streaming, the answer can't be sent yet.
  function updateAnswerLock() {
    var streaming = document.querySelector("[data-testid=streaming]:not([data-stream-done])");
    document.querySelectorAll("#answer-form button[type=submit]").forEach(function (button) {
      button.disabled = !!streaming;
      button.setAttribute("aria-disabled", streaming ? "true" : "false");
    });
    var note = document.getElementById("stream-wait");
    if (note) note.hidden = !streaming;
  }
  document.addEventListener("htmx:sseClose", function (event) {
    event.target.setAttribute("data-stream-done", "1");
    updateAnswerLock();
  });
  document.addEventListener("htmx:sseError", function (event) {
    event.target.setAttribute("data-stream-done", "1");
    updateAnswerLock();
  });

  function init(root) {
    updateAnswerLock();
    (root || document).querySelectorAll("textarea[data-word-count]").forEach(wireCounter);
    var autofocus = (root || document).querySelector("[data-autofocus]");
    if (autofocus && root !== document) autofocus.focus();
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });

  // Failed htmx requests: say so clearly; the typed text stays in its box.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var token = xhr.getResponseHeader("X-CSRF-Token");
    if (token) {
      setCsrfToken(token);
      showToast("Your page had been open a long time, so we refreshed its security token. Your text is still there — please send it again.");
      return;
    }
    if (xhr.status === 429) {
      showToast("Too many requests in a short time. Please wait a moment and try again.");
    } else if (xhr.status === 413) {
      showToast("That's longer than we accept. Please shorten it and try again.");
    } else {
      showToast("Something went wrong (" + xhr.status + "). Your text is still there — please try again.");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    showToast("We couldn't reach OfferReady. Check your connection — your text is still there — and try again.");
  });

  // Disable a form's submit button while its request is in flight, so an answer is never sent twice.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest("form");
    if (form) form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("form");
    if (form) form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    updateAnswerLock();
  });

  window.OfferReady = { showToast: showToast, setCsrfToken: setCsrfToken };
})();
