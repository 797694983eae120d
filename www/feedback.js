// "Did this answer help? Yes / No" under the bot's answers in the chat
// (docs/api.md, POST /api/chat/feedback).  The server marks which answers
// ask (message.feedback: "open", "yes" or "no"); one vote per answer.  A
// "no" offers a person at once: the citizen should not have to look for
// the operator button after being let down.  The sentences are chat.js's
// (its string tables); this file only builds and wires the box.

// m: the bot's message; ctx: { t, vote(id, helpful) -> Promise, operator(),
// canAskOperator() -> bool, showError(err) }.
export function feedbackBox(m, ctx) {
  const { t } = ctx;
  const box = document.createElement('div');
  box.className = 'feedback';
  box.dataset.message = String(m.id);
  if (m.feedback === 'open') ask(box, m, ctx);
  else done(box, m, ctx);
  return box;
}

function button(cls, text, label) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `btn ${cls}`;
  b.textContent = text;
  if (label) b.setAttribute('aria-label', label);
  return b;
}

function ask(box, m, ctx) {
  const { t } = ctx;
  const q = document.createElement('span');
  q.className = 'feedback-q';
  q.id = `feedback-${m.id}`;
  q.textContent = t('feedbackAsk');
  const yes = button('btn-feedback btn-yes', t('feedbackYes'), t('feedbackYesLabel'));
  const no = button('btn-feedback btn-no', t('feedbackNo'), t('feedbackNoLabel'));
  box.setAttribute('role', 'group');
  box.setAttribute('aria-labelledby', q.id);
  box.replaceChildren(q, yes, no);
  const send = async (helpful, pressed) => {
    yes.disabled = true; no.disabled = true;
    try {
      await ctx.vote(m.id, helpful);
    } catch (err) {
      // 409: this answer has its vote already (another tab): say thanks.
      if (err.status !== 409) {
        yes.disabled = false; no.disabled = false;
        ctx.showError(err);
        pressed.focus();
        return;
      }
    }
    m.feedback = helpful ? 'yes' : 'no';
    m.offerOperator = !helpful;
    done(box, m, ctx);
    // Keyboard users stay in the box: on the offer, or on the thanks.
    (box.querySelector('button') || box).focus();
  };
  yes.addEventListener('click', () => send(true, yes));
  no.addEventListener('click', () => send(false, no));
}

function done(box, m, ctx) {
  const { t } = ctx;
  box.removeAttribute('role');
  box.removeAttribute('aria-labelledby');
  const p = document.createElement('p');
  p.className = 'feedback-done';
  p.setAttribute('role', 'status');
  box.tabIndex = -1;
  // The offer stays while the conversation is still with the bot.
  if (m.feedback === 'no' && m.offerOperator && ctx.canAskOperator()) {
    p.textContent = t('feedbackSorry');
    const op = button('btn-offer', t('feedbackOperator'));
    op.addEventListener('click', () => ctx.operator());
    box.replaceChildren(p, op);
  } else {
    p.textContent = t('feedbackThanks');
    box.replaceChildren(p);
  }
}
