/**
 * The hosted payment page's only script and stylesheet, served by the API itself (no third-party asset), so the
 * page runs under `script-src 'self'; style-src 'self'` with no inline code. Kept as strings so that the compiled
 * build carries them.
 *
 * The script: groups the card number as it is typed (4-4-4-4, American Express 4-6-5) and names the brand; checks
 * Luhn, the expiry (MM/YY, not past) and the CVC before the form is sent, and on a refusal shows the message next
 * to the field, keeps everything typed, and tells the server which field was refused (no value) so the order's
 * history counts it; after Pay, follows the order through the page's status endpoint until it is final, then goes
 * to the merchant's URL (or this page's result).
 */
export const PAYFORM_SCRIPT = `'use strict';
(function () {
  var main = document.getElementById('main');
  if (!main) return;
  var digitsOf = function (v) { return v.replace(/\\D/g, ''); };
  var luhn = function (d) {
    var sum = 0;
    for (var i = 0; i < d.length; i++) {
      var n = Number(d.charAt(d.length - 1 - i));
      if (i % 2 === 1) { n *= 2; if (n > 9) n -= 9; }
      sum += n;
    }
    return d.length >= 12 && sum % 10 === 0;
  };
  var brandOf = function (d) {
    if (/^3[47]/.test(d)) return 'American Express';
    if (/^220[0-4]/.test(d)) return 'Mir';
    if (/^4/.test(d)) return 'Visa';
    if (/^(5[1-5]|2(2[2-9]|[3-6]\\d|7[01]|720))/.test(d)) return 'Mastercard';
    if (/^(50|5[6-9]|6)/.test(d)) return 'Maestro';
    return '';
  };
  var group = function (d) {
    var sizes = /^3[47]/.test(d) ? [4, 6, 5] : [4, 4, 4, 4, 3];
    var parts = [];
    var at = 0;
    for (var i = 0; i < sizes.length && at < d.length; i++) { parts.push(d.slice(at, at + sizes[i])); at += sizes[i]; }
    return parts.join(' ');
  };
  var expiryValid = function (v) {
    var m = /^(0[1-9]|1[0-2])\\/(\\d{2})$/.exec(v.trim());
    if (!m) return false;
    var now = new Date();
    var year = 2000 + Number(m[2]);
    var month = Number(m[1]);
    return year > now.getUTCFullYear() || (year === now.getUTCFullYear() && month >= now.getUTCMonth() + 1);
  };
  var checks = {
    cardNumber: function (v) { return luhn(digitsOf(v)) && digitsOf(v).length <= 19; },
    cardExpiry: expiryValid,
    cardCvc: function (v) { return /^\\d{3,4}$/.test(v.trim()); },
  };

  var form = document.getElementById('payform');
  if (form) {
    var number = document.getElementById('cardNumber');
    var brand = document.getElementById('cardNumber-brand');
    var expiry = document.getElementById('cardExpiry');
    var cvc = document.getElementById('cardCvc');
    var show = function (input, message) {
      var error = document.getElementById(input.id + '-error');
      if (message) { input.setAttribute('aria-invalid', 'true'); error.textContent = message; error.hidden = false; }
      else { input.removeAttribute('aria-invalid'); error.textContent = ''; error.hidden = true; }
    };
    number.addEventListener('input', function () {
      var d = digitsOf(number.value).slice(0, 19);
      number.value = group(d);
      brand.textContent = brandOf(d);
      if (number.getAttribute('aria-invalid') && checks.cardNumber(number.value)) show(number, '');
    });
    expiry.addEventListener('input', function (e) {
      var d = digitsOf(expiry.value).slice(0, 4);
      var deleting = e.inputType && e.inputType.indexOf('delete') === 0;
      expiry.value = d.length > 2 || (d.length === 2 && !deleting) ? d.slice(0, 2) + '/' + d.slice(2) : d;
    });
    cvc.addEventListener('input', function () { cvc.value = digitsOf(cvc.value).slice(0, 4); });
    // What the payer does that the server cannot see, for the order's history: the first keystroke in the form
    // (3.0.1.53) and leaving the page without paying or cancelling (3.0.1.52). No value is sent, only the event.
    var activityUrl = main.getAttribute('data-activity-url');
    var tellActivity = function (event) {
      if (activityUrl && navigator.sendBeacon) navigator.sendBeacon(activityUrl + '?event=' + event);
    };
    var entered = false;
    var staying = false;
    form.addEventListener('input', function () { if (!entered) { entered = true; tellActivity('entered'); } });
    document.addEventListener('click', function (e) {
      var link = e.target && e.target.closest ? e.target.closest('a') : null;
      if (link && link.getAttribute('href') && link.getAttribute('href').indexOf('/pay/') === 0) staying = true;
    });
    window.addEventListener('pagehide', function () { if (!staying) tellActivity('left'); });
    form.addEventListener('submit', function (e) {
      if (e.submitter && e.submitter.value === 'cancel') { staying = true; return; }
      var first = null;
      var refused = [];
      [number, expiry, cvc].forEach(function (input) {
        var ok = checks[input.id](input.value);
        show(input, ok ? '' : input.getAttribute('data-message'));
        if (!ok) { refused.push(input.id); if (!first) first = input; }
      });
      if (!first) { staying = true; return; }
      e.preventDefault();
      first.focus();
      // Which fields were refused, never what was in them: the order's history counts payers who struggle.
      var url = main.getAttribute('data-refused-url');
      if (url && window.fetch) {
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ fields: refused }),
          credentials: 'same-origin',
        }).catch(function () {});
      }
    });
  }

  var statusUrl = main.getAttribute('data-status-url');
  if (statusUrl) {
    var follow = function () {
      fetch(statusUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (s && s.final) window.location.replace(s.redirectUrl || main.getAttribute('data-result-url'));
          // The bank declined the card and the payment takes another: the page shows the form again.
          else if (s && s.cardDeclined) window.location.replace(main.getAttribute('data-result-url'));
          else setTimeout(follow, 1000);
        })
        .catch(function () { setTimeout(follow, 2000); });
    };
    setTimeout(follow, 500);
  }
})();
`;

/** Large type and 44 px targets on a phone; one column that fits 320 px and up. */
export const PAYFORM_STYLES = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:16px;line-height:1.5;
color:#1a1a1a;background:#f5f6f8}
.top{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;max-width:28rem;
margin:0 auto;padding:1rem 1rem 0}
.top p{margin:0}
.lang a{display:inline-flex;align-items:center;justify-content:center;min-width:44px;min-height:44px;
padding:0 .5rem;color:#0b57d0}
.lang a[aria-current]{font-weight:700;color:#1a1a1a;text-decoration:none}
main{max-width:28rem;margin:1rem auto;padding:1.25rem;background:#fff;border-radius:12px;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.5rem;margin:0 0 1rem}
.summary{margin:0 0 1rem;display:grid;gap:.25rem}
.summary div{display:flex;justify-content:space-between;gap:1rem}
.summary dt{color:#555}
.summary dd{margin:0;font-weight:600;text-align:right;overflow-wrap:anywhere}
fieldset{border:0;margin:0;padding:0}
legend{font-weight:600;margin-bottom:.5rem}
.field{margin-bottom:1rem}
label{display:block;margin-bottom:.25rem}
input{display:block;width:100%;min-height:48px;padding:.5rem .75rem;font-size:1.125rem;border:1px solid #888;
border-radius:8px;background:#fff;color:inherit}
input:focus{outline:3px solid #0b57d0;outline-offset:1px}
input[aria-invalid=true]{border-color:#b3261e;border-width:2px}
.field-error,.error-summary{color:#b3261e;margin:.25rem 0 0}
.error-summary{margin:0 0 1rem;font-weight:600}
.declined{margin:0 0 1rem;padding:.75rem 1rem;border:2px solid #b3261e;border-radius:8px;color:#b3261e}
.declined p{margin:0}
.brand{display:block;min-height:1.5em;color:#555;font-size:.875rem}
.actions{display:flex;flex-direction:column;gap:.75rem}
button,.button{display:flex;align-items:center;justify-content:center;width:100%;min-height:48px;padding:.5rem 1rem;
font-size:1.125rem;border-radius:8px;border:1px solid #0b57d0;cursor:pointer;text-decoration:none}
.pay,.button{background:#0b57d0;color:#fff;font-weight:600}
.cancel{background:#fff;color:#0b57d0}
button:focus-visible,.button:focus-visible,.lang a:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
`;
