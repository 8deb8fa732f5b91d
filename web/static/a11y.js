// dvcbot web chat: display options for older citizens (text size, high
// contrast), a "Nghe" (listen) button on every answer using the browser's
// speech synthesis, and the embedded mode used by the portal widget
// (/widget, framed by widget.js). Plain ES2017, no dependencies, no HTML
// parsing: only DOM nodes and textContent.
'use strict';

(function () {
  const SIZE_KEY = 'dvcbot_text_size';
  const CONTRAST_KEY = 'dvcbot_contrast';
  const SIZES = [100, 112.5, 125, 150, 175];
  const root = document.documentElement;
  const log = document.getElementById('log');

  function get(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function set(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* memory only */ }
  }

  // ------------------------------------------------------------ text size
  let size = SIZES.indexOf(Number(get(SIZE_KEY)));
  if (size < 0) size = 0;
  const smaller = document.getElementById('text-smaller');
  const larger = document.getElementById('text-larger');
  function applySize() {
    root.style.fontSize = SIZES[size] + '%';
    root.dataset.textSize = String(SIZES[size]);
    if (smaller) smaller.disabled = size === 0;
    if (larger) larger.disabled = size === SIZES.length - 1;
    set(SIZE_KEY, String(SIZES[size]));
  }
  if (smaller) smaller.addEventListener('click', function () { if (size > 0) { size--; applySize(); } });
  if (larger) larger.addEventListener('click', function () { if (size < SIZES.length - 1) { size++; applySize(); } });
  applySize();

  // -------------------------------------------------------- high contrast
  const contrast = document.getElementById('contrast');
  function applyContrast(on) {
    root.classList.toggle('hc', on);
    if (contrast) contrast.setAttribute('aria-pressed', on ? 'true' : 'false');
    set(CONTRAST_KEY, on ? '1' : '0');
  }
  if (contrast) contrast.addEventListener('click', function () { applyContrast(!root.classList.contains('hc')); });
  applyContrast(get(CONTRAST_KEY) === '1');

  // ------------------------------------------------------------- listen
  // The "Nghe" buttons show only when the browser has a Vietnamese voice.
  const synth = window.speechSynthesis;
  let voice = null;
  function pickVoice() {
    if (!synth || typeof synth.getVoices !== 'function') return null;
    const voices = synth.getVoices() || [];
    return voices.find(function (v) { return /^vi([-_]|$)/i.test(v.lang || ''); }) || null;
  }
  function refreshVoice() {
    voice = pickVoice();
    root.classList.toggle('can-listen', !!voice);
    if (log) {
      log.querySelectorAll('button.listen').forEach(function (b) { b.hidden = !voice; });
    }
  }
  let speaking = null;
  function stopSpeaking() {
    if (synth) synth.cancel();
    if (speaking) {
      speaking.setAttribute('aria-pressed', 'false');
      speaking.lastChild.textContent = 'Nghe';
      speaking = null;
    }
  }
  function listen(button) {
    const msg = button.closest('.msg');
    const bubble = msg && msg.querySelector('.bubble');
    if (!bubble || !voice) return;
    const again = speaking === button;
    stopSpeaking();
    if (again) return;
    const u = new window.SpeechSynthesisUtterance(bubble.textContent);
    u.voice = voice;
    u.lang = voice.lang || 'vi-VN';
    u.rate = 0.9;
    u.onend = function () { if (speaking === button) stopSpeaking(); };
    speaking = button;
    button.setAttribute('aria-pressed', 'true');
    button.lastChild.textContent = 'Dừng';
    synth.speak(u);
  }
  function addListen(msg) {
    if (!(msg instanceof Element) || !msg.classList.contains('msg') || !(msg.classList.contains('bot') || msg.classList.contains('staff'))) return;
    if (msg.classList.contains('typing') || msg.querySelector('button.listen')) return;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'listen';
    b.setAttribute('aria-pressed', 'false');
    b.setAttribute('aria-label', 'Nghe đọc câu trả lời này');
    const icon = document.createElement('span');
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = '🔊 ';
    const label = document.createElement('span');
    label.textContent = 'Nghe';
    b.appendChild(icon);
    b.appendChild(label);
    b.hidden = !voice;
    b.addEventListener('click', function () { listen(b); });
    msg.appendChild(b);
  }
  if (log) {
    refreshVoice();
    if (synth && typeof synth.addEventListener === 'function') synth.addEventListener('voiceschanged', refreshVoice);
    log.querySelectorAll('.msg.bot, .msg.staff').forEach(addListen);
    new MutationObserver(function (records) {
      records.forEach(function (r) { r.addedNodes.forEach(addListen); });
    }).observe(log, { childList: true });
  }

  // ------------------------------------------------------------- widget
  if (window.location.pathname !== '/widget') return;
  root.classList.add('embedded');
  const params = new URLSearchParams(window.location.search);
  const title = (params.get('title') || '').trim().slice(0, 60);
  if (title) {
    const h = document.querySelector('.title');
    if (h) h.textContent = title;
    document.title = title;
  }
  const HEX = /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/;
  const color = params.get('color') || '';
  const text = params.get('text') || '';
  if (HEX.test(color)) root.style.setProperty('--brand', color);
  if (HEX.test(text)) root.style.setProperty('--brand-text', text);
  function tell(type) {
    if (window.parent && window.parent !== window) window.parent.postMessage({ type: type }, '*');
  }
  const close = document.getElementById('close-widget');
  if (close) {
    close.hidden = false;
    close.addEventListener('click', function () { stopSpeaking(); tell('dvcbot:close'); });
  }
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { stopSpeaking(); tell('dvcbot:close'); }
  });
  tell('dvcbot:ready');
})();
