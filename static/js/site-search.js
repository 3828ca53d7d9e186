// Find anything: the header's search box, an ARIA 1.2 combobox over an htmx listbox.
// htmx asks /o/<org>/search/?q= as you type and swaps the options (grouped by kind) into the
// listbox; this file only wires the keyboard and the choice. ArrowDown/ArrowUp move through
// the options, Enter opens the active one (or, with none active, submits the form: the full
// results page), Escape closes the list, Tab leaves. Without JavaScript the form is a plain
// GET to the results page.
(function () {
  "use strict";

  function parts(box) {
    return { input: box.querySelector("[role=combobox]"), list: box.querySelector("[role=listbox]") };
  }

  function options(list) {
    return Array.from(list.querySelectorAll("[role=option]:not([aria-disabled=true])"));
  }

  function setOpen(box, open) {
    const p = parts(box);
    p.list.hidden = !open;
    p.input.setAttribute("aria-expanded", String(open));
    if (!open) activate(box, null);
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

  function go(option) {
    if (option && option.dataset.href) window.location.assign(option.dataset.href);
  }

  function boxOf(element) {
    return element && element.closest ? element.closest("[data-site-search]") : null;
  }

  document.addEventListener("htmx:afterSwap", (event) => {
    const box = boxOf(event.detail.target);
    if (!box) return;
    const p = parts(box);
    const typed = p.input.value.trim() !== "";
    setOpen(box, typed && document.activeElement === p.input && p.list.querySelector("[role=option]") !== null);
  });

  document.addEventListener("input", (event) => {
    const box = boxOf(event.target);
    if (box && event.target.matches("[role=combobox]") && event.target.value.trim() === "") {
      setOpen(box, false);
    }
  });

  document.addEventListener("keydown", (event) => {
    const box = boxOf(event.target);
    if (!box || !event.target.matches("[role=combobox]")) return;
    const p = parts(box);
    const all = options(p.list);
    const current = p.list.querySelector("[aria-selected=true]");
    const index = all.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      if (p.list.hidden) setOpen(box, true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = index < 0 ? (step > 0 ? 0 : all.length - 1) : (index + step + all.length) % all.length;
      activate(box, all[next]);
    } else if (event.key === "Enter") {
      if (!p.list.hidden && current) {
        event.preventDefault();
        go(current);
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

  // mousedown (before the input's blur) opens an option with the pointer.
  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest && event.target.closest("[data-site-search] [role=option]");
    if (!option || option.getAttribute("aria-disabled") === "true") return;
    event.preventDefault();
    go(option);
  });

  document.addEventListener("focusout", (event) => {
    const box = boxOf(event.target);
    if (box && !box.contains(event.relatedTarget)) setOpen(box, false);
  });
})();
