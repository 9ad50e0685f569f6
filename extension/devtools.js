// Registers the "Socketscope" DevTools panel. The panel page finds its tab itself through
// chrome.devtools.inspectedWindow.tabId (boot.js). Outside DevTools (tests load this page as a
// plain extension page to reach transport.js) there is nothing to register.
if (globalThis.chrome && chrome.devtools) chrome.devtools.panels.create('Socketscope', 'icons/icon-32.png', 'panel.html');
