// The browser interview's only script (cspr serve), an enhancement: every page works
// without it. On a fresh page (no #fragment to scroll to), put the keyboard in the next
// question, so an interview can be answered from the keyboard alone.
document.addEventListener('DOMContentLoaded', function () {
  if (location.hash) return;
  var next = document.querySelector('form.question.next input:not([type=hidden]), form.question.next button');
  if (next) next.focus({ preventScroll: true });
});
