/* global document, localStorage, matchMedia */
// Runs before the first paint (a plain script in <head>; the CSP allows only scripts from 'self',
// so it cannot be inline): draws the theme saved last time, which renderer/app/use-theme.ts keeps
// in localStorage, instead of light until the settings arrive. "system" or nothing saved: the OS.
(function () {
  try {
    var theme = localStorage.getItem('ferry.theme');
    if (theme !== 'light' && theme !== 'dark') theme = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    document.documentElement.setAttribute('data-theme', theme);
  } catch (error) {
    // Storage refused (a locked-down profile): the settings apply the theme when they arrive.
    void error;
  }
})();
