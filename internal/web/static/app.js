// Partner Center console: small progressive enhancements; every page works
// without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A field marked data-show-when-checked="ID" is shown only while the
  // checkbox #ID is ticked (the director of an account manager).
  document.querySelectorAll("[data-show-when-checked]").forEach((field) => {
    const box = document.getElementById(field.dataset.showWhenChecked);
    if (!box) return;
    const sync = () => { field.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  });
  // A select marked data-submit-on-change reloads its form when changed
  // (the order form lists the specs of the chosen region and service).
  // The policy forbids inline handlers, so this is where it lives.
  document.querySelectorAll("select[data-submit-on-change]").forEach((sel) => {
    sel.addEventListener("change", () => sel.form.submit());
  });
});
