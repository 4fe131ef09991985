/**
 * What the hosted payment page says, in the languages it speaks. The page picks one from `?lang=` (the switch on
 * the page) or else the payer's `Accept-Language`, and falls back to English.
 */
export const LOCALES = ['en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];

const en = {
  pageTitle: 'Payment',
  pay: 'Pay',
  cancel: 'Cancel',
  merchant: 'Merchant',
  reference: 'Order reference',
  amount: 'Amount',
  cardNumber: 'Card number',
  cardExpiry: 'Expiry date (MM/YY)',
  expiryPlaceholder: 'MM/YY',
  cardCvc: 'Security code (CVC)',
  cardHolder: 'Name on card',
  cardDetails: 'Card details',
  brand: 'Card',
  languageSwitch: 'Language',
  errorSummary: 'Please check the highlighted fields.',
  invalidCardNumber: 'This card number is not valid. Check the digits.',
  invalidExpiry: 'Enter the expiry date as MM/YY; it must not be in the past.',
  invalidCvc: 'The security code is the 3 or 4 digits on the card.',
  notFoundTitle: 'Payment not found',
  notFound: 'There is no payment form at this address.',
  alreadyTitle: 'Payment already submitted',
  already: 'This payment no longer takes a card: a card was already submitted, or the payment has ended.',
  alreadyNoOther: 'No other card will be charged.',
  tooManyTitle: 'Too many attempts',
  tooMany: 'This payment has had too many attempts. Please contact the shop.',
  unavailableTitle: 'Please try again',
  unavailable: 'The payment could not be submitted just now. Please try again.',
  unroutableTitle: 'Card payment unavailable',
  unroutable:
    'This payment cannot be made by card at the moment. No card details are needed; please return to the shop.',
  progressTitle: 'Payment in progress',
  progress: 'Your payment is being processed. This page updates by itself; please do not pay again.',
  successTitle: 'Payment successful',
  success: 'Your payment was successful.',
  failedTitle: 'Payment failed',
  failed: 'The payment did not go through. No money was taken.',
  cancelledTitle: 'Payment cancelled',
  cancelled: 'You cancelled the payment. No money was taken.',
  expiredTitle: 'Payment page expired',
  expired: 'This payment page has expired: it was open too long without a card. No money was taken.',
  backToShop: 'Back to the shop',
  closePage: 'You can close this page now.',
  challengeTitle: 'Confirm the payment',
  challenge: 'Your bank asks you to confirm this payment. Enter the code it sent you.',
  challengeCode: 'Confirmation code',
  challengeInvalid: 'Enter the code: digits only.',
  confirm: 'Confirm',
  sandboxChallengeHint: 'Sandbox: the code is',
  declinedTitle: 'Card declined',
  declined: 'Your card was declined by its bank. No money was taken. You can pay with another card.',
  triesLeft: 'Cards you can still try:',
  crossSiteTitle: 'Not sent',
  crossSite: 'This form was sent from another site, so it was not accepted. Open the payment page again from the shop.',
};

export type Messages = typeof en;

const ru: Messages = {
  pageTitle: 'Оплата',
  pay: 'Оплатить',
  cancel: 'Отменить',
  merchant: 'Магазин',
  reference: 'Номер заказа',
  amount: 'Сумма',
  cardNumber: 'Номер карты',
  cardExpiry: 'Срок действия (ММ/ГГ)',
  expiryPlaceholder: 'ММ/ГГ',
  cardCvc: 'Код безопасности (CVC)',
  cardHolder: 'Имя на карте',
  cardDetails: 'Данные карты',
  brand: 'Карта',
  languageSwitch: 'Язык',
  errorSummary: 'Проверьте отмеченные поля.',
  invalidCardNumber: 'Неверный номер карты. Проверьте цифры.',
  invalidExpiry: 'Укажите срок действия в виде ММ/ГГ; он не должен быть в прошлом.',
  invalidCvc: 'Код безопасности — 3 или 4 цифры на карте.',
  notFoundTitle: 'Платёж не найден',
  notFound: 'По этому адресу нет платёжной формы.',
  alreadyTitle: 'Платёж уже отправлен',
  already: 'Этот платёж больше не принимает карту: карта уже была отправлена или платёж завершён.',
  alreadyNoOther: 'С другой карты деньги списаны не будут.',
  tooManyTitle: 'Слишком много попыток',
  tooMany: 'По этому платежу было слишком много попыток. Обратитесь в магазин.',
  unavailableTitle: 'Попробуйте ещё раз',
  unavailable: 'Не удалось отправить платёж. Попробуйте ещё раз.',
  unroutableTitle: 'Оплата картой недоступна',
  unroutable: 'Сейчас этот платёж нельзя оплатить картой. Данные карты не нужны; вернитесь в магазин.',
  progressTitle: 'Платёж обрабатывается',
  progress: 'Ваш платёж обрабатывается. Страница обновится сама; не оплачивайте повторно.',
  successTitle: 'Платёж выполнен',
  success: 'Оплата прошла успешно.',
  failedTitle: 'Платёж не выполнен',
  failed: 'Платёж не прошёл. Деньги не списаны.',
  cancelledTitle: 'Платёж отменён',
  expiredTitle: 'Срок страницы оплаты истёк',
  expired: 'Срок действия этой страницы оплаты истёк: карта не была введена вовремя. Деньги не списаны.',
  cancelled: 'Вы отменили платёж. Деньги не списаны.',
  backToShop: 'Вернуться в магазин',
  closePage: 'Эту страницу можно закрыть.',
  challengeTitle: 'Подтвердите платёж',
  challenge: 'Банк просит подтвердить этот платёж. Введите код, который он прислал.',
  challengeCode: 'Код подтверждения',
  challengeInvalid: 'Введите код: только цифры.',
  confirm: 'Подтвердить',
  sandboxChallengeHint: 'Песочница: код',
  declinedTitle: 'Карта отклонена',
  declined: 'Банк отклонил вашу карту. Деньги не списаны. Вы можете оплатить другой картой.',
  triesLeft: 'Осталось попыток:',
  crossSiteTitle: 'Не отправлено',
  crossSite: 'Эта форма отправлена с другого сайта и не принята. Откройте страницу оплаты снова из магазина.',
};

export const MESSAGES: Record<Locale, Messages> = { en, ru };

const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);

/**
 * The page's language: `?lang=` when it names one we speak, else the first of the payer's `Accept-Language`
 * ranges (by quality, then order) whose primary subtag we speak, else English.
 */
export function pickLocale(query: unknown, acceptLanguage: string | undefined): Locale {
  if (isLocale(query)) return query;
  const ranges = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranges.map((r) => r.primary).find(isLocale) ?? 'en';
}
