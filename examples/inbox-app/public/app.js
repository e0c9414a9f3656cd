// The inbox and admin page: plain DOM, talks to docket/http under /api. Demo identity: the chosen
// person goes in the x-demo-user header (see server.ts).
'use strict';

const T = {
  'zh-CN': {
    appTitle: 'Docket 审批工作台', colon: '：', whoAmI: '我是', language: '语言', newContract: '发起合同审批', contractNo: '合同编号',
    contractTitle: '合同名称', customer: '客户', amount: '金额（元）', createSubmit: '创建并提交', inbox: '我的待办',
    inboxEmpty: '暂无待办。', myContracts: '我发起的合同', contract: '合同', state: '状态', admin: '管理',
    reason: '原因', reasonPlaceholder: '管理操作必须填写原因', reassign: '离职转办', from: '原处理人', to: '接手人',
    reassignButton: '转办全部待办', history: '审批记录', when: '时间', who: '操作人', what: '操作', stateChange: '状态变化',
    comment: '意见', due: '截止', noDue: '无截止时间', zone: '时区', step: '环节', commentPlaceholder: '审批意见（驳回、退回时请填写）',
    target: '目标状态', moveButton: '跳转', historyButton: '记录', withdraw: '撤回', submit: '提交', signer: '加签人',
    transferTo: '转交给', done: '已完成', suspended: '已挂起', refusedTitle: '操作未成功', okCreated: '已创建并提交：',
    okDone: '已完成：', reassigned: (n, bad) => `已转办 ${n} 项${bad ? `，${bad} 项未能转办` : ''}。`,
    actions: { APPROVE: '同意', REJECT: '驳回', REQUEST_CHANGES: '退回修改', RETURN: '退回', ADD_SIGNER: '加签', REMOVE_SIGNER: '减签', TRANSFER: '转交', DELEGATE: '委托', CLAIM: '认领', CC: '抄送', SUBMIT: '提交', WITHDRAW: '撤回', SUSPEND: '挂起', RESUME: '恢复', TERMINATE: '终止', 'docket.start': '发起', 'docket.admin.suspend': '挂起（管理员）', 'docket.admin.resume': '恢复（管理员）', 'docket.admin.terminate': '终止（管理员）', 'docket.admin.moveTo': '跳转（管理员）' },
    states: { draft: '草稿', review: '法务/财务/技术会签', departmentApproval: '部门负责人审批', vpApproval: '副总裁审批', ceoApproval: 'CEO 审批', signing: '待签署', archiving: '归档', erpCustomer: 'ERP 客户申请', erpOrder: 'ERP 销售订单', kickoff: '项目启动会', receivables: '回款跟踪', closed: '已关闭', withdrawn: '已撤回' },
    codes: {
      FORBIDDEN: '没有权限', OPERATION_NOT_ALLOWED: '当前不允许此操作', INVALID_PAYLOAD: '填写的内容不完整或不正确', EVENT_NOT_ACCEPTED: '当前状态不能进行此操作',
      INSTANCE_NOT_ACTIVE: '流程已结束或已挂起', UNKNOWN_EVENT: '未知操作', INSTANCE_NOT_FOUND: '找不到该流程', CONFLICT: '别人刚刚修改过，请刷新后重试',
      INVALID_ARGUMENT: '请求不完整', UNAUTHENTICATED: '请先选择身份', NO_APPROVER: '找不到审批人', STORE_UNAVAILABLE: '服务暂不可用，请稍后重试',
    },
  },
  en: {
    appTitle: 'Docket approvals', colon: ': ', whoAmI: 'I am', language: 'Language', newContract: 'New contract approval', contractNo: 'Contract no.',
    contractTitle: 'Title', customer: 'Customer', amount: 'Amount (CNY)', createSubmit: 'Create and submit', inbox: 'My inbox',
    inboxEmpty: 'Nothing to do.', myContracts: 'My contracts', contract: 'Contract', state: 'State', admin: 'Administration',
    reason: 'Reason', reasonPlaceholder: 'Admin actions need a reason', reassign: 'Reassign a leaver\'s work', from: 'From', to: 'To',
    reassignButton: 'Reassign all their work', history: 'History', when: 'When', who: 'Who', what: 'Action', stateChange: 'State change',
    comment: 'Comment', due: 'Due', noDue: 'no deadline', zone: 'Time zone', step: 'Step', commentPlaceholder: 'Comment (needed to reject or return)',
    target: 'Target state', moveButton: 'Move', historyButton: 'History', withdraw: 'Withdraw', submit: 'Submit', signer: 'Add signer',
    transferTo: 'Transfer to', done: 'done', suspended: 'suspended', refusedTitle: 'That did not go through', okCreated: 'Created and submitted: ',
    okDone: 'Done: ', reassigned: (n, bad) => `Reassigned ${n} item(s)${bad ? `; ${bad} could not be moved` : ''}.`,
    actions: { APPROVE: 'Approve', REJECT: 'Reject', REQUEST_CHANGES: 'Request changes', RETURN: 'Return', ADD_SIGNER: 'Add signer', REMOVE_SIGNER: 'Remove signer', TRANSFER: 'Transfer', DELEGATE: 'Delegate', CLAIM: 'Claim', CC: 'CC', SUBMIT: 'Submit', WITHDRAW: 'Withdraw', SUSPEND: 'Suspend', RESUME: 'Resume', TERMINATE: 'Terminate', 'docket.start': 'Started', 'docket.admin.suspend': 'Suspended (admin)', 'docket.admin.resume': 'Resumed (admin)', 'docket.admin.terminate': 'Terminated (admin)', 'docket.admin.moveTo': 'Moved (admin)' },
    states: { draft: 'Draft', review: 'Legal/finance/technical review', departmentApproval: 'Department head', vpApproval: 'VP approval', ceoApproval: 'CEO approval', signing: 'Signing', archiving: 'Archiving', erpCustomer: 'ERP customer', erpOrder: 'ERP sales order', kickoff: 'Kickoff', receivables: 'Receivables', closed: 'Closed', withdrawn: 'Withdrawn' },
    codes: {
      FORBIDDEN: 'Not allowed for you', OPERATION_NOT_ALLOWED: 'Not allowed right now', INVALID_PAYLOAD: 'Something is missing or wrong in the form', EVENT_NOT_ACCEPTED: 'Not possible in this state',
      INSTANCE_NOT_ACTIVE: 'The process is finished or suspended', UNKNOWN_EVENT: 'Unknown action', INSTANCE_NOT_FOUND: 'No such process', CONFLICT: 'Someone changed it just now; reload and retry',
      INVALID_ARGUMENT: 'The request is incomplete', UNAUTHENTICATED: 'Pick who you are first', NO_APPROVER: 'No approver found', STORE_UNAVAILABLE: 'Service unavailable, retry later',
    },
  },
};

const $ = (sel) => document.querySelector(sel);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const c of children) node.append(c);
  return node;
};
let people = [];
let lang = localStorage.getItem('docket.lang') || 'zh-CN';
let me = null;
const t = () => T[lang];
const person = (id) => people.find((p) => p.id === id);
const nameOf = (id) => { const p = person(id); return p ? (lang === 'en' ? p.nameEn : p.name) : id; };
const topState = (value) => (typeof value === 'string' ? value : Object.keys(value || {})[0] || '');
const stateLabel = (view) => `${t().states[topState(view.state)] || topState(view.state)}${view.suspended ? ` (${t().suspended})` : ''}${view.status !== 'active' ? ` · ${view.status}` : ''}`;
const formatTime = (ms) => new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone: me.zone, timeZoneName: 'short' }).format(new Date(ms));

function banner(kind, title, text) {
  const b = $('#banner');
  b.hidden = false;
  b.className = kind;
  b.replaceChildren(el('strong', { textContent: title }), el('span', { textContent: text }));
}

/** Call the API as the current person; a refusal (problem+json) becomes a readable banner. */
async function api(method, path, body) {
  const res = await fetch(`/api${path}`, {
    method,
    headers: { 'x-demo-user': me.id, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const headline = t().codes[data.code] || data.title || String(res.status);
    const issues = (data.details && data.details.issues || []).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    banner('error', `${t().refusedTitle}${t().colon}${headline}`, `${data.detail || ''}${issues ? ` (${issues})` : ''} [${data.code || res.status}]`);
    const err = new Error(data.detail || res.statusText);
    err.problem = data;
    throw err;
  }
  return data;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t()[node.dataset.t];
  for (const node of document.querySelectorAll('[data-tp]')) node.placeholder = t()[node.dataset.tp];
  $('#lang').value = lang;
  $('#reassign-result').textContent = '';
  for (const sel of [$('#who'), ...document.querySelectorAll('select.people')]) {
    const value = sel.value;
    sel.replaceChildren(...people.map((p) => el('option', { value: p.id, textContent: lang === 'en' ? p.nameEn : p.name })));
    if (value) sel.value = value;
  }
}

/** The page is busy until the next refresh ends (tests wait for body[data-ready="true"]). */
const busy = () => { document.body.dataset.ready = 'false'; };

async function refresh() {
  $('#zone').textContent = `${t().zone}${t().colon}${me.zone}`;
  $('#new').hidden = !me.roles.includes('sales');
  $('#admin').hidden = !me.roles.includes('admin');
  try {
    await Promise.all([renderInbox(), renderMine(), me.roles.includes('admin') ? renderAdmin() : null]);
  } catch (error) {
    if (!error.problem) banner('error', t().refusedTitle, String(error.message || error));
  } finally {
    document.body.dataset.ready = 'true';
  }
}

async function renderInbox() {
  const tasks = await api('GET', '/tasks');
  $('#inbox-empty').hidden = tasks.length > 0;
  const cards = [];
  for (const task of tasks) {
    const view = await api('GET', `/instances/${encodeURIComponent(task.instanceId)}`);
    const c = view.context || {};
    const comment = el('textarea', { placeholder: t().commentPlaceholder, name: 'comment' });
    const who = el('select', { name: 'person' }, ...people.filter((p) => p.id !== me.id).map((p) => el('option', { value: p.id, textContent: nameOf(p.id) })));
    const buttons = task.actions.filter((a) => a !== 'REMOVE_SIGNER' && a !== 'CC').map((action) =>
      el('button', {
        type: 'button', textContent: t().actions[action] || action, className: action === 'REJECT' ? 'danger' : action === 'APPROVE' ? '' : 'secondary',
        onclick: () => act(task, action, comment.value, who.value),
      }));
    cards.push(el('div', { className: 'task', id: `task-${task.id.replace(/[^A-Za-z0-9_-]/g, '_')}` },
      el('h3', { textContent: `${c.contractNo || ''} ${c.title || ''} · ${c.customer || ''} · ¥${Number(c.amount || 0).toLocaleString(lang)}` }),
      el('div', { className: 'muted', textContent: `${t().step}${t().colon}${(task.title && task.title[lang]) || task.step} · ${nameOf(view.initiator)}` }),
      el('div', { className: 'due', textContent: `${t().due}${t().colon}${task.dueAt ? formatTime(task.dueAt) : t().noDue}` }),
      comment,
      el('div', { className: 'actions' }, ...buttons, el('label', {}, el('span', { textContent: `${t().transferTo} / ${t().signer}` }), who),
        el('button', { type: 'button', className: 'secondary', textContent: t().historyButton, onclick: () => showHistory(task.instanceId) }))));
  }
  $('#tasks').replaceChildren(...cards);
}

async function act(task, action, comment, other) {
  busy();
  const event = { type: action, step: task.step, taskId: task.id, ...(comment ? { comment } : {}) };
  if (action === 'TRANSFER' || action === 'DELEGATE') event.to = other;
  if (action === 'ADD_SIGNER') Object.assign(event, { users: [other], position: 'after' });
  if (action === 'CLAIM') delete event.comment;
  try {
    await api('POST', `/instances/${encodeURIComponent(task.instanceId)}/events`, event);
    banner('ok', `${t().okDone}${t().actions[action] || action}`, '');
  } catch { /* shown in the banner */ }
  await refresh();
}

async function mineAndAll() {
  const items = [];
  let cursor;
  do {
    const page = await api('GET', `/instances?workflow=contract-approval${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

async function renderMine() {
  const all = (await mineAndAll()).filter((v) => v.initiator === me.id);
  $('#mine').hidden = all.length === 0;
  $('#mine-rows').replaceChildren(...all.map((v) => el('tr', {},
    el('td', { textContent: `${v.context.contractNo} ${v.context.title}` }),
    el('td', { textContent: stateLabel(v), className: 'state' }),
    el('td', {},
      ...(topState(v.state) === 'draft' && v.status === 'active' ? [el('button', { type: 'button', textContent: t().submit, onclick: () => send(v.id, { type: 'SUBMIT' }) })] : []),
      ...(v.status === 'active' ? [el('button', { type: 'button', className: 'secondary', textContent: t().withdraw, onclick: () => send(v.id, { type: 'WITHDRAW' }) })] : []),
      el('button', { type: 'button', className: 'secondary', textContent: t().historyButton, onclick: () => showHistory(v.id) })))));
}

async function send(id, event) {
  busy();
  try {
    await api('POST', `/instances/${encodeURIComponent(id)}/events`, event);
    banner('ok', `${t().okDone}${t().actions[event.type] || event.type}`, '');
  } catch { /* shown */ }
  await refresh();
}

async function renderAdmin() {
  const all = (await mineAndAll()).filter((v) => v.status === 'active');
  const reason = () => $('#admin-reason').value;
  const admin = (id, op, extra = {}) => async () => {
    busy();
    try {
      await api('POST', `/instances/${encodeURIComponent(id)}/${op}`, { reason: reason(), ...extra });
      banner('ok', `${t().okDone}${t().actions[op.toUpperCase()] || op}`, '');
    } catch { /* shown */ }
    await refresh();
  };
  $('#admin-rows').replaceChildren(...all.map((v) => {
    const target = el('input', { placeholder: t().target, size: 12, value: 'draft' });
    return el('tr', {},
      el('td', { textContent: `${v.context.contractNo} ${v.context.title} · ${nameOf(v.initiator)}` }),
      el('td', { textContent: stateLabel(v), className: 'state' }),
      el('td', { className: 'row' },
        v.suspended
          ? el('button', { type: 'button', textContent: t().actions.RESUME, onclick: admin(v.id, 'resume') })
          : el('button', { type: 'button', textContent: t().actions.SUSPEND, onclick: admin(v.id, 'suspend') }),
        el('button', { type: 'button', className: 'danger', textContent: t().actions.TERMINATE, onclick: admin(v.id, 'terminate') }),
        target, el('button', { type: 'button', className: 'secondary', textContent: t().moveButton, onclick: () => admin(v.id, 'move', { target: target.value })() }),
        el('button', { type: 'button', className: 'secondary', textContent: t().historyButton, onclick: () => showHistory(v.id) })));
  }));
}

async function showHistory(id) {
  busy();
  // The history comes a page at a time ({ items, nextCursor }): follow the cursor to the end.
  const entries = [];
  for (let cursor; ;) {
    const page = await api('GET', `/instances/${encodeURIComponent(id)}/history?includeRefused=true${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    entries.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  const view = await api('GET', `/instances/${encodeURIComponent(id)}`);
  $('#history').hidden = false;
  $('#history-of').textContent = `${view.context.contractNo} · ${stateLabel(view)}`;
  $('#history-rows').replaceChildren(...entries.map((h) => el('tr', { className: h.kind === 'refused' ? 'muted' : '' },
    el('td', { textContent: formatTime(h.at) }),
    el('td', { textContent: nameOf(h.actor.id) }),
    el('td', { textContent: h.kind === 'refused' ? `✕ ${t().actions[h.event.type] || h.event.type} (${h.code})` : `${t().actions[h.event.type] || h.event.type}${h.event.to ? ` → ${nameOf(h.event.to)}` : ''}${h.event.users ? ` + ${h.event.users.map(nameOf).join(', ')}` : ''}` }),
    el('td', { textContent: h.kind === 'refused' ? '' : `${t().states[topState(h.from)] || topState(h.from) || '·'} → ${t().states[topState(h.to)] || topState(h.to)}` }),
    el('td', { textContent: h.event.comment || h.reason || '' }))));
  document.body.dataset.ready = 'true';
}

$('#new-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  busy();
  const f = new FormData(e.target);
  try {
    const view = await api('POST', '/instances', {
      workflow: 'contract-approval',
      input: { contractNo: f.get('contractNo'), title: f.get('title'), customer: f.get('customer'), amount: Number(f.get('amount')), department: 'sales' },
    });
    await api('POST', `/instances/${encodeURIComponent(view.id)}/events`, { type: 'SUBMIT' });
    banner('ok', `${t().okCreated}${f.get('contractNo')}`, '');
  } catch { /* shown */ }
  await refresh();
});

$('#reassign-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  busy();
  const f = new FormData(e.target);
  try {
    const results = await api('POST', '/admin/reassign', { from: f.get('from'), to: f.get('to'), reason: $('#admin-reason').value });
    const bad = results.filter((r) => !r.ok).length;
    $('#reassign-result').textContent = t().reassigned(results.length - bad, bad);
    banner(bad ? 'error' : 'ok', t().reassigned(results.length - bad, bad), results.filter((r) => !r.ok).map((r) => r.error.detail).join(' '));
  } catch { /* shown */ }
  await refresh();
});

$('#who').addEventListener('change', async () => {
  busy();
  me = person($('#who').value);
  localStorage.setItem('docket.user', me.id);
  $('#banner').hidden = true;
  $('#history').hidden = true;
  await refresh();
});
$('#lang').addEventListener('change', async () => {
  busy();
  lang = $('#lang').value;
  localStorage.setItem('docket.lang', lang);
  applyLanguage();
  await refresh();
});

(async () => {
  people = await (await fetch('/demo/people.json')).json();
  me = person(localStorage.getItem('docket.user')) || people[0];
  applyLanguage();
  $('#who').value = me.id;
  await refresh();
})();
