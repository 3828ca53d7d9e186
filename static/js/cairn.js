// Small progressive enhancements; every page works without this file.
// The Content-Security-Policy allows scripts from our own files only: no inline <script>, no
// on*= attributes, no hx-on (htmx runs with allowEval false). Behaviour is attached here by
// event delegation on data attributes and classes.
document.addEventListener("htmx:afterSwap", (event) => {
  const focusTarget = event.detail.target.querySelector("[autofocus]");
  if (focusTarget) focusTarget.focus();
});
// Confirm destructive actions: <form data-confirm="Delete this?">
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
}, true);
// <select data-autosubmit> submits its form on change (the org switcher).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
// <input data-select-on-focus> selects its whole value (a new API token, to copy it).
document.addEventListener("focusin", (event) => {
  if (event.target.matches && event.target.matches("input[data-select-on-focus]")) {
    event.target.select();
  }
});
// Alignment tree: a .node-toggle button opens/closes the list named by aria-controls
// (htmx loads the children on the first click).
document.addEventListener("click", (event) => {
  const toggle = event.target.closest && event.target.closest(".node-toggle[aria-controls]");
  if (!toggle) return;
  const open = toggle.getAttribute("aria-expanded") === "true";
  toggle.setAttribute("aria-expanded", String(!open));
  const list = document.getElementById(toggle.getAttribute("aria-controls"));
  if (list) list.hidden = open;
});
// The phone header menu: button.menu-toggle (aria-expanded, aria-controls) opens and closes
// the links it names; Escape inside the menu closes it and gives the focus back to the
// button. The stylesheet collapses the menu only when this file runs (html.js, early.js), so
// without JavaScript every link stays on screen.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest && event.target.closest(".menu-toggle[aria-controls]");
  if (!toggle) return;
  toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || !event.target.closest) return;
  const menu = event.target.closest(".topbar-menu");
  const toggle = menu && document.querySelector('.menu-toggle[aria-controls="' + menu.id + '"]');
  if (toggle && toggle.getAttribute("aria-expanded") === "true") {
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  }
});
// <input data-select-filter="id-of-a-select">: narrows the select's options (and hides the
// groups left empty) as one types; Enter picks the first match, ArrowDown moves to the list.
// The box is hidden without this script: the select alone works as any other.
(function () {
  "use strict";
  function words(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[_/]/g, " ");
  }
  function filter(box) {
    const select = document.getElementById(box.dataset.selectFilter);
    if (!select) return [];
    const wanted = words(box.value).split(/\s+/).filter(Boolean);
    const shown = [];
    select.querySelectorAll("option").forEach((option) => {
      const text = words(option.textContent + " " + option.value);
      const match = wanted.every((w) => text.includes(w));
      option.hidden = !match;
      if (match) shown.push(option);
    });
    select.querySelectorAll("optgroup").forEach((group) => {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
    const status = document.getElementById(box.getAttribute("aria-describedby"));
    if (status) {
      status.textContent = wanted.length
        ? (shown.length === 1 ? "1 match" : shown.length + " matches") + (shown.length ? ": " + shown[0].textContent + (shown.length > 1 ? " first" : "") + ". Enter picks it." : ".")
        : "";
    }
    return shown;
  }
  function init(root) {
    root.querySelectorAll("input[data-select-filter][hidden]").forEach((box) => {
      box.hidden = false;
    });
  }
  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches("input[data-select-filter]")) filter(event.target);
  });
  document.addEventListener("keydown", (event) => {
    const box = event.target;
    if (!box.matches || !box.matches("input[data-select-filter]")) return;
    const select = document.getElementById(box.dataset.selectFilter);
    if (!select) return;
    if (event.key === "Enter") {
      event.preventDefault(); // picking, not submitting the form
      const first = filter(box)[0];
      if (first) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        const status = document.getElementById(box.getAttribute("aria-describedby"));
        if (status) status.textContent = "Picked " + first.textContent + ".";
      }
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      select.focus();
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => init(document));
  } else {
    init(document);
  }
  document.addEventListener("htmx:load", (event) => init(event.detail.elt));
})();
