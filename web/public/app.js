/*
 * The chat page: mounts the rasa-webchat widget on Rasa's socket.io channel and
 * adds what the widget lacks. Structured replies (an emergency notice, an
 * assessment, the summary for the clinician) render as cards; buttons work from
 * the keyboard; new assistant messages are announced to screen readers once. Everything a person or the
 * assistant wrote is put on the page as text, never as HTML.
 *
 * The page's own words are not written here: web/server.py hands them over in /config.js
 * (`window.ASSISTANT_TEXTS`, from bot/texts/<language>/page.yml and triage.yml).
 */
(function () {
  'use strict';

  var h = React.createElement;
  var TEXTS = window.ASSISTANT_TEXTS;

  // The parts of the page text `name`, its `{field}`s filled in from `fields` (a string or an element each).
  function textParts(name, fields) {
    var template = TEXTS.page[name];
    if (typeof template !== 'string') throw new Error('the page has no text ' + name + ' (bot/texts/)');
    return template.split(/\{([a-z_]+)\}/).map(function (part, i) {
      if (i % 2 === 0) return part;
      if (!fields || !(part in fields)) throw new Error('the page text ' + name + ' needs the field ' + part);
      return fields[part];
    });
  }

  // The page text `name` as a string, its fields filled in.
  function text(name, fields) {
    return textParts(name, fields).join('');
  }

  // The page text `name` as React children, its fields filled in (with elements, e.g. a <strong>).
  function rich(name, fields) {
    return h.apply(null, [React.Fragment, null].concat(textParts(name, fields)));
  }

  // Colour is never the only signal: each level has words and a symbol too.
  var TRIAGE = {
    emergency: { label: TEXTS.triage.emergency, symbol: '\u26A0' },
    see_clinician: { label: TEXTS.triage.see_clinician, symbol: '\u25B6' },
    self_care: { label: TEXTS.triage.self_care, symbol: '\u2713' }
  };

  function paragraphs(body) {
    if (typeof body !== 'string' || body === 'undefined') return [];
    return body.split(/\n{2,}/).map(function (p) { return p.trim(); }).filter(Boolean);
  }

  function quoteList(words) {
    return words.map(function (w) { return text('quoted', { words: w }); }).join(', ');
  }

  function Paragraphs(props) {
    return h(React.Fragment, null, paragraphs(props.text).map(function (p, i) {
      return h('p', { key: i, className: 'card__text' }, p);
    }));
  }

  function EmergencyCard(props) {
    var payload = props.payload;
    var body = paragraphs(props.text).length
      ? h(Paragraphs, { text: props.text })
      : h('p', { className: 'card__text' }, payload.advice || '');
    return h('article', { className: 'card card--emergency', 'aria-label': text('emergency_card_label') },
      h('p', { className: 'card__title' },
        h('span', { className: 'card__symbol', 'aria-hidden': 'true' }, TRIAGE.emergency.symbol),
        ' ' + text('emergency_card_title')),
      body);
  }

  function Cause(props) {
    var cause = props.cause;
    var evidence = cause.evidence || [];
    return h('li', { className: 'cause' },
      h('strong', { className: 'cause__name' }, cause.name || cause.id),
      evidence.length ? h('span', { className: 'cause__evidence' },
        text('cause_evidence', { quotes: quoteList(evidence) })) : null,
      cause.section ? h('span', { className: 'cause__section' },
        text('cause_section', { section: cause.section })) : null);
  }

  function AssessmentCard(props) {
    var payload = props.payload;
    var level = TRIAGE[payload.triage_level] ? payload.triage_level : 'see_clinician';
    var causes = payload.possible_causes || [];
    var steps = payload.next_steps || [];
    return h('article', { className: 'card card--assessment', 'aria-label': text('assessment_label') },
      h('p', { className: 'triage triage--' + level, 'data-triage': level },
        h('span', { className: 'triage__symbol', 'aria-hidden': 'true' }, TRIAGE[level].symbol),
        ' ',
        rich('triage_level', { label: h('strong', null, TRIAGE[level].label) })),
      h('h3', { className: 'card__heading' }, text('causes_heading')),
      causes.length
        ? h('ol', { className: 'causes' }, causes.map(function (cause, i) {
          return h(Cause, { key: cause.id || i, cause: cause });
        }))
        : h('p', { className: 'card__text' }, text('no_clear_cause')),
      steps.length ? h('h3', { className: 'card__heading' }, text('next_steps_heading')) : null,
      steps.length ? h('ul', { className: 'steps' }, steps.map(function (step, i) {
        return h('li', { key: i }, step);
      })) : null,
      payload.disclaimer ? h('p', { className: 'card__disclaimer' }, payload.disclaimer) : null,
      paragraphs(props.text).length
        ? h('details', { className: 'card__details' },
          h('summary', null, text('full_explanation')),
          h(Paragraphs, { text: props.text }))
        : null);
  }

  /* ---- the summary for the clinician: a PDF to download, a page to print ---- */

  // Only an absolute http(s) address becomes a link or a window.
  function webLink(value) {
    if (typeof value !== 'string') return null;
    var url;
    try {
      url = new URL(value);
    } catch (error) {
      return null;
    }
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  }

  // The payload's two links, or null when it is not a summary with both of them usable.
  function summaryLinks(payload) {
    if (!payload || payload.type !== 'summary') return null;
    var pdf = webLink(payload.pdf);
    var html = webLink(payload.html);
    return pdf && html ? { pdf: pdf, html: html } : null;
  }

  // "4 December 2026 at 10:30 CET", in the person's language and time zone; null when unreadable.
  function readableTime(iso) {
    var when = typeof iso === 'string' ? new Date(iso) : null;
    if (!when || isNaN(when.getTime())) return null;
    try {
      return when.toLocaleString(undefined, {
        year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short'
      });
    } catch (error) {
      return when.toString();
    }
  }

  // The summary page prints itself when opened with #print.
  function printable(html) {
    var url = new URL(html);
    url.hash = 'print';
    return url.href;
  }

  function SummaryCard(props) {
    var links = props.links;
    var until = readableTime(props.payload.expires);
    return h('article', { className: 'card card--summary', 'aria-label': text('summary_label') },
      h('h3', { className: 'card__heading summary__heading' }, text('summary_heading')),
      h('p', { className: 'card__text' },
        text('summary_intro') + ' ',
        until
          ? rich('summary_until', { time: h('time', { dateTime: props.payload.expires }, until) })
          : text('summary_no_until')),
      h('p', { className: 'summary__actions' },
        h('a', { className: 'summary__download', href: links.pdf, download: true },
          text('summary_download')),
        ' ',
        h('button', {
          type: 'button',
          className: 'summary__print',
          onClick: function () { window.open(printable(links.html), '_blank', 'noopener'); }
        }, text('summary_print'))));
  }

  /* The widget hands every message it does not know (ours carry `custom`) to this component. */
  function AssistantCard(props) {
    var payload = props.custom || {};
    var card;
    if (payload.type === 'emergency') card = h(EmergencyCard, { payload: payload, text: props.text });
    else if (payload.type === 'assessment') card = h(AssessmentCard, { payload: payload, text: props.text });
    else if (summaryLinks(payload)) card = h(SummaryCard, { payload: payload, links: summaryLinks(payload) });
    else card = h('div', { className: 'card' }, h(Paragraphs, { text: props.text }));
    return h('div', { className: 'rw-response card-wrapper' }, card);
  }

  /* ---- screen reader announcements: live messages only, one entry each ---- */

  var announcer = document.getElementById('announcer');
  var alertAnnouncer = document.getElementById('alert-announcer');
  var MAX_ANNOUNCEMENTS = 5;

  function spoken(message) {
    var payload = message.custom;
    if (payload && payload.type === 'assessment') {
      var level = TRIAGE[payload.triage_level] || TRIAGE.see_clinician;
      var names = (payload.possible_causes || []).map(function (c) { return c.name; });
      return text('spoken_assessment', { label: level.label }) +
        (names.length ? ' ' + text('spoken_causes', { names: names.join(', ') }) : '') +
        ' ' + text('spoken_details');
    }
    if (summaryLinks(payload)) return text('spoken_summary');  // the card holds the links: no address read out
    var said = typeof message.text === 'string' ? message.text : '';
    var replies = message.quick_replies || message.buttons || [];
    if (replies.length) {
      said += ' ' + text('spoken_options', { titles: replies.map(function (r) { return r.title; }).join(', ') });
    }
    return said;
  }

  function announce(message) {
    if (message.custom && message.custom.type === 'emergency') {
      alertAnnouncer.textContent = text('spoken_emergency', { text: message.text || message.custom.advice || '' });
      return;
    }
    var entry = document.createElement('p');
    entry.textContent = spoken(message);
    announcer.appendChild(entry);
    while (announcer.childNodes.length > MAX_ANNOUNCEMENTS) announcer.removeChild(announcer.firstChild);
  }

  /* ---- keyboard access and link safety for the widget's own elements ---- */

  var SAFE_PROTOCOLS = ['http:', 'https:', 'mailto:'];

  function improve(root) {
    root.querySelectorAll('.rw-reply:not([tabindex])').forEach(function (reply) {
      reply.setAttribute('tabindex', '0');
      reply.setAttribute('role', 'button');
    });
    root.querySelectorAll('.rw-new-message:not([aria-label])').forEach(function (input) {
      input.setAttribute('aria-label', text('message_label'));
    });
    root.querySelectorAll('.rw-send:not([aria-label])').forEach(function (button) {
      button.setAttribute('aria-label', text('send_label'));
    });
    root.querySelectorAll('a[href]').forEach(function (link) {
      if (SAFE_PROTOCOLS.indexOf(new URL(link.href, location.href).protocol) < 0) link.removeAttribute('href');
    });
  }

  function focusInput() {
    var input = document.querySelector('.rw-new-message');
    if (input) input.focus();
  }

  document.addEventListener('keydown', function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.classList.contains('rw-reply')) return;
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    target.click();
    setTimeout(focusInput, 0);
  });

  /* ---- this browser's copy: the widget keeps the conversation under one storage key ---- */

  var STORED_CHAT = 'chat_session';  // rasa-webchat's key with `params: { storage: 'local' }`

  document.getElementById('clear-chat').addEventListener('click', function () {
    localStorage.removeItem(STORED_CHAT);
    location.reload();  // the widget then asks the server for a new, empty conversation
  });

  var chat = document.getElementById('chat');
  new MutationObserver(function () { improve(chat); }).observe(chat, { childList: true, subtree: true });

  ReactDOM.render(h(WebChat.default, {
    socketUrl: window.ASSISTANT_CONFIG.socketUrl,
    socketPath: '/socket.io/',
    initPayload: '/greet',
    title: text('widget_title'),
    subtitle: text('widget_subtitle'),
    inputTextFieldHint: text('input_hint'),
    connectingText: text('connecting'),
    embedded: true,
    showCloseButton: false,
    withRules: false,
    params: { storage: 'local' },
    customComponent: AssistantCard,
    customMessageDelay: function () { return 300; },
    onSocketEvent: { bot_uttered: announce },
    mainColor: '#0b4f8a',
    userBackgroundColor: '#0b4f8a',
    userTextColor: '#ffffff',
    assistBackgoundColor: '#eef1f4',
    assistTextColor: '#1a1a1a',
    conversationBackgroundColor: '#ffffff'
  }), chat);
}());
