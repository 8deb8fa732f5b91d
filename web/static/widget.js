// dvcbot portal widget. A portal adds
//   <script src="https://bot.example.vn/widget.js" data-title="Trợ lý Dịch vụ công"
//           data-color="#0a4a8f" data-text-color="#ffffff" async></script>
// and gets a button that opens the chat in an isolated iframe from the bot's
// own origin (the bot allows only the origins in DVCBOT_WIDGET_ORIGINS to frame
// it). The conversation lives in the bot origin's storage, so it survives the
// citizen moving between the portal's pages; whether the panel was open is
// remembered for the tab. Nothing of the host page is read.
(function () {
  'use strict';
  if (window.__dvcbotWidget) return;
  var me = document.currentScript;
  if (!me || !me.src) return;
  window.__dvcbotWidget = true;
  var origin = new URL(me.src, window.location.href).origin;
  var HEX = /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/;
  function attr(name, def, re) {
    var v = (me.getAttribute(name) || '').trim();
    return v && (!re || re.test(v)) ? v : def;
  }
  var title = attr('data-title', 'Trợ lý Dịch vụ công').slice(0, 60);
  var color = attr('data-color', '#0a4a8f', HEX);
  var textColor = attr('data-text-color', '#ffffff', HEX);
  var left = attr('data-position', 'right') === 'left';
  var OPEN_KEY = 'dvcbot_widget_open';

  var button = document.createElement('button');
  button.type = 'button';
  button.id = 'dvcbot-widget-button';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', 'dvcbot-widget-frame');
  button.textContent = '💬 ' + title;
  var bs = button.style;
  bs.position = 'fixed';
  bs.bottom = '20px';
  bs[left ? 'left' : 'right'] = '20px';
  bs.zIndex = '2147483000';
  bs.minHeight = '52px';
  bs.maxWidth = 'calc(100vw - 40px)';
  bs.padding = '12px 20px';
  bs.font = '600 18px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  bs.color = textColor;
  bs.background = color;
  bs.border = '2px solid ' + textColor;
  bs.borderRadius = '26px';
  bs.boxShadow = '0 4px 16px rgba(0,0,0,.3)';
  bs.cursor = 'pointer';

  var frame = document.createElement('iframe');
  frame.id = 'dvcbot-widget-frame';
  frame.title = title;
  frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox');
  var fs = frame.style;
  fs.position = 'fixed';
  fs.bottom = '84px';
  fs[left ? 'left' : 'right'] = '12px';
  fs.zIndex = '2147483000';
  fs.width = 'min(420px, calc(100vw - 24px))';
  fs.height = 'min(680px, calc(100vh - 100px))';
  fs.border = '0';
  fs.borderRadius = '14px';
  fs.boxShadow = '0 8px 32px rgba(0,0,0,.35)';
  fs.background = '#fff';
  fs.display = 'none';

  function remember(open) {
    try { window.sessionStorage.setItem(OPEN_KEY, open ? '1' : '0'); } catch (e) { /* ignore */ }
  }
  function wasOpen() {
    try { return window.sessionStorage.getItem(OPEN_KEY) === '1'; } catch (e) { return false; }
  }
  function toggle(open) {
    if (open && !frame.src) {
      frame.src = origin + '/widget?title=' + encodeURIComponent(title) +
        '&color=' + encodeURIComponent(color) + '&text=' + encodeURIComponent(textColor);
    }
    fs.display = open ? 'block' : 'none';
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    remember(open);
    if (open) frame.focus();
  }
  button.addEventListener('click', function () { toggle(fs.display === 'none'); });
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || e.source !== frame.contentWindow || !e.data) return;
    if (e.data.type === 'dvcbot:ready') button.setAttribute('data-state', 'ready');
    if (e.data.type === 'dvcbot:close') { toggle(false); button.focus(); }
  });
  function mount() {
    document.body.appendChild(frame);
    document.body.appendChild(button);
    if (wasOpen()) toggle(true);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
