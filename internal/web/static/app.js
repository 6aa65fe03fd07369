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
});
