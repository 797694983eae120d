// The citizen chat's sentences, in Russian and English (STR), and the
// language the page speaks: the one the citizen chose last time on this
// device, Russian at first.  feedback.js gets t from chat.js.

const LANG_KEY = 'hotline.lang';
// Characters in a message, as the server counts them (the sentences say it).
export const MAX_TEXT = 4000;

function plural(n, one, few, many) {
  const m10 = n % 10, m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}

function waitMinutes(s) { return Math.max(1, Math.ceil(s / 60)); }

const STR = {
  ru: {
    pageTitle: 'Госуслуги — помощник горячей линии',
    skip: 'Перейти к полю сообщения',
    title: 'Помощник Госуслуг',
    subtitle: 'Горячая линия · круглосуточно',
    langButton: 'EN', langButtonLang: 'en', langLabel: 'Switch to English',
    operator: 'Оператор',
    operatorDesc: 'Позвать живого человека — оператора горячей линии',
    operatorQueued: 'В очереди',
    logLabel: 'Переписка',
    introTitle: 'Здравствуйте!',
    introText: 'Я помощник горячей линии Госуслуг. Опишите вопрос своими словами — отвечу сразу. Если нужен человек, нажмите «Оператор».',
    suggestLabel: 'Частые вопросы:',
    suggestions: ['Не приходит СМС-код', 'Как подтвердить учётную запись', 'Хочу подать жалобу'],
    typing: 'Помощник печатает…',
    operatorTyping: 'Оператор печатает…',
    dismiss: 'Закрыть',
    attach: 'Прикрепить документ: PDF, JPG или PNG до 10 МБ',
    inputLabel: 'Ваше сообщение',
    placeholder: 'Напишите вопрос…',
    send: 'Отправить',
    hint: 'Enter — отправить, Shift+Enter — новая строка',
    you: 'Вы',
    bot: 'Помощник',
    system: 'Служба поддержки',
    operatorName: (n) => (n ? `Оператор ${n}` : 'Оператор'),
    reqNum: 'Номер обращения',
    copy: 'Копировать',
    copied: 'Скопировано',
    reqBanner: 'Обращение №',
    choose: 'Уточните, пожалуйста, что вы имели в виду:',
    queued: 'Вы в очереди к оператору.',
    // Whole minutes rounded up, at least one, as the support service's
    // message about the wait counts them: the banner and it agree.
    waitAbout: (s) => {
      if (s == null) return 'Оператор ответит, как только освободится.';
      const m = waitMinutes(s);
      return `Примерное ожидание — около ${m} ${plural(m, 'минуты', 'минут', 'минут')}.`;
    },
    withOperator: (n) => (n ? `С вами на связи оператор ${n}.` : 'С вами на связи оператор.'),
    backToBot: 'Вы снова общаетесь с помощником. Оператор доступен по кнопке «Оператор».',
    closedTitle: 'Разговор завершён',
    rateLegend: 'Оцените, пожалуйста, помощь: от 1 (плохо) до 5 (отлично)',
    rateNames: ['1 — очень плохо', '2 — плохо', '3 — удовлетворительно', '4 — хорошо', '5 — отлично'],
    commentLabel: 'Комментарий (необязательно)',
    rateSend: 'Отправить оценку',
    rateNeedScore: 'Выберите оценку от 1 до 5.',
    thanks: 'Спасибо за оценку! Она помогает нам работать лучше.',
    thanksNoRate: 'Спасибо, что обратились на горячую линию Госуслуг.',
    newChat: 'Задать новый вопрос',
    attachment: 'Вложение',
    uploading: (name, p) => (p == null ? `Загружаем «${name}»…` : `Загружаем «${name}»: ${p}%`),
    uploadOk: (name) => `Файл «${name}» получен.`,
    badType: 'Можно прикрепить только PDF, JPG или PNG.',
    tooBig: 'Файл больше 10 МБ. Уменьшите его или сохраните в другом формате.',
    emptyFile: 'Файл пустой — выберите другой.',
    tooLong: `Сообщение длиннее ${MAX_TEXT} символов — сократите его, пожалуйста.`,
    err429: (s) => `Слишком много запросов подряд. Подождите ${s} ${plural(s, 'секунду', 'секунды', 'секунд')} и попробуйте снова.`,
    err429files: 'К одному обращению можно приложить не больше 10 файлов.',
    err429day: 'На сегодня лимит загрузок с вашего адреса исчерпан. Попробуйте завтра или опишите документ словами.',
    err409file: 'Сначала напишите, пожалуйста, ваш вопрос, затем приложите файл.',
    err413conv: 'К этому обращению уже приложено слишком много файлов по объёму. Оператор попросит недостающее.',
    err413text: `Сообщение слишком длинное — не больше ${MAX_TEXT} символов.`,
    err413file: 'Файл слишком большой — не больше 10 МБ.',
    err415: 'Этот файл не принят: можно только PDF, JPG или PNG.',
    err400: 'Сообщение не принято. Проверьте текст и попробуйте снова.',
    err409: 'Это действие сейчас недоступно. Обновите страницу.',
    err5xx: 'Сервис временно перегружен. Попробуйте через минуту — ваш разговор сохранится.',
    errNet: 'Нет связи с сервером. Проверьте интернет и попробуйте снова.',
    errStart: 'Не удалось начать разговор. Пробуем ещё раз…',
    offline: 'Связь прервалась — переподключаемся…',
    feedbackAsk: 'Помог ли ответ?',
    feedbackYes: 'Да', feedbackYesLabel: 'Да, ответ помог',
    feedbackNo: 'Нет', feedbackNoLabel: 'Нет, ответ не помог',
    feedbackThanks: 'Спасибо за отзыв!',
    feedbackSorry: 'Жаль, что ответ не помог. Оператор разберётся в вашем вопросе — позвать его?',
    feedbackOperator: 'Позвать оператора',
    kb: 'КБ', mb: 'МБ',
  },
  en: {
    pageTitle: 'Gosuslugi — hotline assistant',
    skip: 'Skip to the message box',
    title: 'Gosuslugi assistant',
    subtitle: 'Hotline · 24/7',
    langButton: 'RU', langButtonLang: 'ru', langLabel: 'Переключить на русский',
    operator: 'Operator',
    operatorDesc: 'Talk to a person — a hotline operator',
    operatorQueued: 'In queue',
    logLabel: 'Conversation',
    introTitle: 'Hello!',
    introText: 'I am the Gosuslugi hotline assistant. Describe your question in your own words and I will answer at once. To talk to a person, press “Operator”.',
    suggestLabel: 'Common questions:',
    suggestions: ['SMS code does not arrive', 'How to verify my account', 'I want to file a complaint'],
    typing: 'The assistant is typing…',
    operatorTyping: 'The operator is typing…',
    dismiss: 'Dismiss',
    attach: 'Attach a document: PDF, JPG or PNG up to 10 MB',
    inputLabel: 'Your message',
    placeholder: 'Type your question…',
    send: 'Send',
    hint: 'Enter to send, Shift+Enter for a new line',
    you: 'You',
    bot: 'Assistant',
    system: 'Support service',
    operatorName: (n) => (n ? `Operator ${n}` : 'Operator'),
    reqNum: 'Request number',
    copy: 'Copy',
    copied: 'Copied',
    reqBanner: 'Request no.',
    choose: 'Please tell me which one you meant:',
    queued: 'You are in the queue for an operator.',
    waitAbout: (s) => {
      if (s == null) return 'An operator will answer as soon as one is free.';
      const m = waitMinutes(s);
      return `Estimated wait: about ${m} minute${m === 1 ? '' : 's'}.`;
    },
    withOperator: (n) => (n ? `Operator ${n} is with you.` : 'An operator is with you.'),
    backToBot: 'You are talking to the assistant again. Press “Operator” to reach a person.',
    closedTitle: 'The conversation is closed',
    rateLegend: 'Please rate the help: from 1 (poor) to 5 (excellent)',
    rateNames: ['1 — very poor', '2 — poor', '3 — fair', '4 — good', '5 — excellent'],
    commentLabel: 'Comment (optional)',
    rateSend: 'Send rating',
    rateNeedScore: 'Choose a score from 1 to 5.',
    thanks: 'Thank you for your rating! It helps us do better.',
    thanksNoRate: 'Thank you for contacting the Gosuslugi hotline.',
    newChat: 'Ask a new question',
    attachment: 'Attachment',
    uploading: (name, p) => (p == null ? `Uploading “${name}”…` : `Uploading “${name}”: ${p}%`),
    uploadOk: (name) => `File “${name}” received.`,
    badType: 'Only PDF, JPG or PNG files can be attached.',
    tooBig: 'The file is larger than 10 MB. Please make it smaller or save it in another format.',
    emptyFile: 'The file is empty — please choose another one.',
    tooLong: `The message is longer than ${MAX_TEXT} characters — please shorten it.`,
    err429: (s) => `Too many requests in a row. Please wait ${s} second${s === 1 ? '' : 's'} and try again.`,
    err429files: 'At most 10 files can be attached to one request.',
    err429day: 'Your address has reached today\'s upload limit. Please try tomorrow or describe the document in words.',
    err409file: 'Please type your question first, then attach the file.',
    err413conv: 'The files of this request already take up all the room allowed. The operator will ask for anything missing.',
    err413text: `The message is too long — at most ${MAX_TEXT} characters.`,
    err413file: 'The file is too large — at most 10 MB.',
    err415: 'This file was not accepted: only PDF, JPG or PNG.',
    err400: 'The message was not accepted. Please check it and try again.',
    err409: 'This action is not available now. Please reload the page.',
    err5xx: 'The service is busy right now. Please try again in a minute — your conversation is kept.',
    errNet: 'No connection to the server. Check your internet connection and try again.',
    errStart: 'Could not start the conversation. Trying again…',
    offline: 'Connection lost — reconnecting…',
    feedbackAsk: 'Did this answer help?',
    feedbackYes: 'Yes', feedbackYesLabel: 'Yes, the answer helped',
    feedbackNo: 'No', feedbackNoLabel: 'No, the answer did not help',
    feedbackThanks: 'Thank you for your feedback!',
    feedbackSorry: 'Sorry the answer did not help. An operator will look into your question — shall we bring one in?',
    feedbackOperator: 'Talk to an operator',
    kb: 'KB', mb: 'MB',
  },
};

export let lang = pickLang();
export function t(key, ...args) {
  const v = STR[lang][key] ?? STR.ru[key];
  return typeof v === 'function' ? v(...args) : v;
}
function pickLang() {
  const saved = localStorage.getItem(LANG_KEY);
  if (saved === 'ru' || saved === 'en') return saved;
  return 'ru';
}

// Makes l ("ru", "en") the page's language and remembers it.
export function setLang(l) {
  lang = l;
  localStorage.setItem(LANG_KEY, lang);
}

