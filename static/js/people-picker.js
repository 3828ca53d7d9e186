// People picker: the ARIA combobox rendered by accounts.widgets.PeoplePicker.
// htmx fetches the matching people (an <li role="option"> listbox fragment) as you type;
// this file only wires the keyboard and the choice. Without it the text box takes an email.
(function () {
  "use strict";

  function parts(box) {
    return {
      input: box.querySelector("[data-combobox-input]"),
      value: box.querySelector("[data-combobox-value]"),
      list: box.querySelector("[role=listbox]"),
      chips: box.querySelector("[data-combobox-chips]"),
    };
  }

  function options(list) {
    return Array.from(list.querySelectorAll("[role=option]:not([aria-disabled=true])"));
  }

  function setOpen(box, open) {
    const p = parts(box);
    p.list.hidden = !open;
    p.input.setAttribute("aria-expanded", String(open));
    if (!open) {
      p.input.removeAttribute("aria-activedescendant");
      p.list.querySelectorAll("[aria-selected=true]").forEach((o) => o.setAttribute("aria-selected", "false"));
    }
  }

  function activate(box, option) {
    const p = parts(box);
    p.list.querySelectorAll("[aria-selected=true]").forEach((o) => o.setAttribute("aria-selected", "false"));
    if (!option) {
      p.input.removeAttribute("aria-activedescendant");
      return;
    }
    option.setAttribute("aria-selected", "true");
    p.input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function choose(box, option) {
    const p = parts(box);
    const id = option.dataset.value;
    const label = option.dataset.label;
    if (box.hasAttribute("data-multiple")) {
      const name = p.input.dataset.fieldName;
      const existing = p.chips.querySelector('input[value="' + CSS.escape(id) + '"]');
      if (existing) {
        existing.checked = true;
      } else {
        const li = document.createElement("li");
        const chip = document.createElement("label");
        chip.className = "chip";
        const box_ = document.createElement("input");
        box_.type = "checkbox";
        box_.name = name;
        box_.value = id;
        box_.checked = true;
        chip.append(box_, " " + label);
        li.append(chip);
        p.chips.append(li);
      }
      p.input.value = "";
    } else {
      p.value.value = id;
      p.input.value = label;
    }
    setOpen(box, false);
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function init(root) {
    root.querySelectorAll("[data-combobox]:not([data-combobox-ready])").forEach((box) => {
      const p = parts(box);
      if (!p.input || !p.list) return;
      box.setAttribute("data-combobox-ready", "");
      p.input.dataset.fieldName = p.input.name;
      // The text box becomes the search box: htmx sends it as ?q=; it no longer belongs to
      // the form (form= an id that does not exist), the hidden value or the chips do.
      p.input.name = "q";
      p.input.setAttribute("form", "people-picker-detached");
      if (p.value) p.value.disabled = false;
    });
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:load", (event) => init(event.detail.elt.parentElement || document));

  document.addEventListener("htmx:afterSwap", (event) => {
    const box = event.detail.target.closest && event.detail.target.closest("[data-combobox]");
    if (!box) return;
    const p = parts(box);
    setOpen(box, document.activeElement === p.input && p.list.children.length > 0);
  });

  document.addEventListener("input", (event) => {
    const box = event.target.closest && event.target.closest("[data-combobox]");
    if (!box || !event.target.matches("[data-combobox-input]")) return;
    const p = parts(box);
    // Typed text counts as typed (an email works without picking); a pick replaces it.
    if (p.value) p.value.value = p.input.value;
  });

  document.addEventListener("keydown", (event) => {
    if (!event.target.matches || !event.target.matches("[data-combobox-input]")) return;
    const box = event.target.closest("[data-combobox]");
    const p = parts(box);
    const all = options(p.list);
    const current = p.list.querySelector("[aria-selected=true]");
    const index = all.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (p.list.hidden) {
        if (all.length) setOpen(box, true);
        else return;
      }
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = index < 0 ? (step > 0 ? 0 : all.length - 1) : (index + step + all.length) % all.length;
      activate(box, all[next]);
    } else if (event.key === "Enter") {
      if (!p.list.hidden && current) {
        event.preventDefault();
        choose(box, current);
      } else if (box.hasAttribute("data-multiple")) {
        event.preventDefault(); // Enter in the search box never submits half a choice
      } else {
        // The text box left its form (above), so Enter would do nothing: with the list
        // closed it sends the form, as Enter in any other text field does.
        const form = box.closest("form");
        if (form) {
          event.preventDefault();
          form.requestSubmit ? form.requestSubmit() : form.submit();
        }
      }
    } else if (event.key === "Escape") {
      if (!p.list.hidden) {
        event.preventDefault();
        setOpen(box, false);
      }
    } else if (event.key === "Tab") {
      setOpen(box, false);
    }
  });

  // mousedown (before the input's blur) picks an option with the pointer.
  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest && event.target.closest("[data-combobox] [role=option]");
    if (!option || option.getAttribute("aria-disabled") === "true") return;
    event.preventDefault();
    choose(option.closest("[data-combobox]"), option);
  });

  document.addEventListener("focusout", (event) => {
    const box = event.target.closest && event.target.closest("[data-combobox]");
    if (box && !box.contains(event.relatedTarget)) setOpen(box, false);
  });
})();
