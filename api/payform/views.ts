import { Eta } from 'eta';
import { LOCALES, MESSAGES, type Locale, type Messages } from './messages';

/**
 * The hosted payment page's HTML, rendered by Eta with auto-escaping: every `<%= %>` is escaped, and the only raw
 * insertion (`<%~ %>`) is the body one template rendered for the layout. No inline script or handler: the page's
 * behaviour is /pay/assets/payform.js, which reads its settings from `data-` attributes.
 */
const eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });

eta.loadTemplate(
  '@layout',
  `<!doctype html>
<html lang="<%= it.locale %>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title><%= it.title %></title>
<link rel="stylesheet" href="/pay/assets/payform.css">
<% if (it.refresh) { %><noscript><meta http-equiv="refresh" content="<%= it.refresh %>"></noscript><% } %>
<script src="/pay/assets/payform.js" defer></script>
</head>
<body>
<header class="top">
<% if (it.merchantName) { %><p class="merchant"><span class="label"><%= it.m.merchant %>:</span> <strong id="merchant-name"><%= it.merchantName %></strong></p><% } %>
<nav class="lang" aria-label="<%= it.m.languageSwitch %>">
<% it.languages.forEach(function (l) { %><a href="<%= l.href %>" lang="<%= l.code %>" hreflang="<%= l.code %>"<% if (l.current) { %> aria-current="true"<% } %>><%= l.label %></a> <% }) %>
</nav>
</header>
<main id="main"<% Object.entries(it.data || {}).forEach(function (e) { %> data-<%= e[0] %>="<%= e[1] %>"<% }) %>>
<h1 id="title"><%= it.title %></h1>
<%~ it.body %>
</main>
</body>
</html>
`,
);

eta.loadTemplate(
  '@summary',
  `<dl class="summary">
<div><dt><%= it.m.reference %></dt><dd id="order-reference"><%= it.reference %></dd></div>
<div><dt><%= it.m.amount %></dt><dd id="amount"><%= it.amount %></dd></div>
</dl>
`,
);

eta.loadTemplate(
  '@form',
  `<%~ include('@summary', it) %>
<% if (it.declined) { %><div class="declined" role="alert" id="declined"><p><%= it.m.declined %></p><p><%= it.m.triesLeft %> <%= it.declined.triesLeft %></p></div><% } %>
<% if (it.hasErrors) { %><p class="error-summary" role="alert" id="error-summary"><%= it.m.errorSummary %></p><% } %>
<form method="post" action="<%= it.action %>" autocomplete="on" novalidate id="payform">
<fieldset>
<legend><%= it.m.cardDetails %></legend>
<% it.fields.forEach(function (f) { %>
<div class="field">
<label for="<%= f.name %>"><%= f.label %></label>
<input id="<%= f.name %>" name="<%= f.name %>" autocomplete="<%= f.autocomplete %>"<% if (f.inputmode) { %> inputmode="<%= f.inputmode %>"<% } %> maxlength="<%= f.maxlength %>"<% if (f.placeholder) { %> placeholder="<%= f.placeholder %>"<% } %><% if (f.required) { %> required<% } %> value="<%= f.value %>" aria-describedby="<%= f.name %>-error"<% if (f.error) { %> aria-invalid="true"<% } %> data-message="<%= f.message %>" spellcheck="false">
<% if (f.name === 'cardNumber') { %><span class="brand" id="cardNumber-brand" aria-live="polite"></span><% } %>
<p class="field-error" id="<%= f.name %>-error"<% if (!f.error) { %> hidden<% } %>><%= f.error %></p>
</div>
<% }) %>
</fieldset>
<div class="actions">
<button type="submit" name="action" value="pay" class="pay" id="pay"><%= it.payLabel %></button>
<button type="submit" name="action" value="cancel" formnovalidate class="cancel" id="cancel"><%= it.m.cancel %></button>
</div>
</form>
`,
);

eta.loadTemplate(
  '@message',
  `<% if (it.summary) { %><%~ include('@summary', it.summary) %><% } %>
<% it.paragraphs.forEach(function (p) { %><p><%= p %></p>
<% }) %>
<% if (it.link) { %><p><a class="button" id="back-to-shop" href="<%= it.link %>"><%= it.m.backToShop %></a></p><% } %>
`,
);

eta.loadTemplate(
  '@challenge',
  `<%~ include('@summary', it) %>
<p><%= it.m.challenge %></p>
<% if (it.hint) { %><p class="hint" id="challenge-hint"><%= it.hint %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate id="challenge-form">
<div class="field">
<label for="code"><%= it.m.challengeCode %></label>
<input id="code" name="code" autocomplete="one-time-code" inputmode="numeric" maxlength="8" required aria-describedby="code-error"<% if (it.invalid) { %> aria-invalid="true"<% } %> spellcheck="false">
<p class="field-error" id="code-error"<% if (!it.invalid) { %> hidden<% } %>><%= it.m.challengeInvalid %></p>
</div>
<div class="actions">
<button type="submit" name="action" value="confirm" class="pay" id="confirm"><%= it.m.confirm %></button>
<button type="submit" name="action" value="cancel" formnovalidate class="cancel" id="cancel"><%= it.m.cancel %></button>
</div>
</form>
`,
);

/** One field of the card form. */
export interface FieldView {
  name: 'cardNumber' | 'cardExpiry' | 'cardCvc' | 'cardHolder';
  label: string;
  autocomplete: string;
  inputmode?: string;
  maxlength: number;
  placeholder?: string;
  required: boolean;
  value: string;
  error: string;
  /** What the page's script shows when its own check refuses the value. */
  message: string;
}

export interface PageFrame {
  locale: Locale;
  title: string;
  merchantName: string | null;
  /** The page's own path, to which the language switch adds `?lang=`. */
  path: string;
  /** `data-` attributes for the page's script (names are ours; values are escaped like any other). */
  data?: Record<string, string>;
  /** A `<meta http-equiv="refresh">` value for browsers without script. */
  refresh?: string;
}

export interface OrderSummary {
  reference: string;
  amount: string;
}

const languageName: Record<Locale, string> = { en: 'English', ru: 'Русский' };

function layout(frame: PageFrame, body: string): string {
  const m = MESSAGES[frame.locale];
  const languages = LOCALES.map((code) => ({
    code,
    label: languageName[code],
    current: code === frame.locale,
    href: `${frame.path}?lang=${code}`,
  }));
  return eta.render('@layout', { ...frame, m, languages, body });
}

/** The card form, with the errors of a refused submit next to their fields. */
export function formPage(
  frame: PageFrame,
  view: OrderSummary & {
    payLabel: string;
    fields: FieldView[];
    action: string;
    /** The issuer declined the last card: the page says so and takes another (this many tries left). */
    declined?: { triesLeft: number };
  },
): string {
  const m: Messages = MESSAGES[frame.locale];
  const hasErrors = view.fields.some((f) => f.error);
  return layout(frame, eta.render('@form', { declined: null, ...view, m, hasErrors }));
}

/** A page that tells the payer where the payment is, with a way back to the shop when there is one. */
export function messagePage(
  frame: PageFrame,
  view: { paragraphs: string[]; link: string | null; summary?: OrderSummary },
): string {
  const m: Messages = MESSAGES[frame.locale];
  return layout(frame, eta.render('@message', { ...view, m }));
}

/** The card's verification challenge: the code the bank sent, Confirm or Cancel. */
export function challengePage(
  frame: PageFrame,
  view: OrderSummary & { action: string; hint: string | null; invalid: boolean },
): string {
  const m: Messages = MESSAGES[frame.locale];
  return layout(frame, eta.render('@challenge', { ...view, m }));
}
