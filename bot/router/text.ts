/**
 * Text preparation shared by the slot extractors and the classifier.
 *
 * Two forms exist on purpose:
 * - {@link prepareText} keeps every UTF-16 index of the original (same length), so a match found in the
 *   prepared text is also the span of the original text that the match consumed;
 * - {@link normaliseText} may change lengths (typo repair, abbreviations) and is what the classifier sees.
 */

/** Typical typos and abbreviations staff type, repaired on word boundaries by {@link normaliseText}. */
export const TYPO_MAP: Readonly<Record<string, string>> = {
  withdrawls: 'withdrawals',
  withdrawl: 'withdrawal',
  withdrawel: 'withdrawal',
  withdrawels: 'withdrawals',
  withdrawall: 'withdrawal',
  withdrawalls: 'withdrawals',
  widthdrawal: 'withdrawal',
  widthdrawals: 'withdrawals',
  witdrawal: 'withdrawal',
  witdrawals: 'withdrawals',
  wd: 'withdrawal',
  wds: 'withdrawals',
  depsoit: 'deposit',
  depsoits: 'deposits',
  deposists: 'deposits',
  depoist: 'deposit',
  depoists: 'deposits',
  desposits: 'deposits',
  deposti: 'deposit',
  depostis: 'deposits',
  dep: 'deposit',
  deps: 'deposits',
  vol: 'volume',
  vols: 'volumes',
  volumne: 'volume',
  voluem: 'volume',
  vloume: 'volume',
  volme: 'volume',
  avg: 'average',
  averge: 'average',
  avergae: 'average',
  num: 'number',
  nr: 'number',
  tx: 'transaction',
  txs: 'transactions',
  txn: 'transaction',
  txns: 'transactions',
  transcations: 'transactions',
  trasnactions: 'transactions',
  tranactions: 'transactions',
  tradng: 'trading',
  trdaing: 'trading',
  trdes: 'trades',
  trdae: 'trade',
  recieved: 'received',
  recieve: 'receive',
  aproval: 'approval',
  approvel: 'approval',
  aprroval: 'approval',
  verfication: 'verification',
  verifcation: 'verification',
  verificaton: 'verification',
  sucess: 'success',
  succes: 'success',
  usr: 'user',
  usrs: 'users',
  ppl: 'people',
  acct: 'account',
  accts: 'accounts',
  acc: 'account',
  accs: 'accounts',
  msg: 'message',
  msgs: 'messages',
  feedbacks: 'feedback',
  fedback: 'feedback',
  feeback: 'feedback',
  recs: 'recommendations',
  rec: 'recommendation',
  reccomend: 'recommend',
  recomend: 'recommend',
  reccommend: 'recommend',
  rev: 'revenue',
  revenu: 'revenue',
  regs: 'registrations',
  pls: 'please',
  plz: 'please',
  thx: 'thanks',
  yday: 'yesterday',
  yest: 'yesterday',
  tdy: 'today',
  wk: 'week',
  wks: 'weeks',
  mth: 'month',
  mths: 'months',
  mnth: 'month',
  mnths: 'months',
  yr: 'year',
  yrs: 'years',
  hr: 'hour',
  hrs: 'hours',
  mins: 'minutes',
  qty: 'quantity',
  amt: 'amount',
  amnt: 'amount',
  pct: 'percent',
  perc: 'percent',
  cnt: 'count',
  ctry: 'country',
  cntry: 'country',
  countires: 'countries',
  contries: 'countries',
  coutries: 'countries',
  platfrom: 'platform',
  platfroms: 'platforms',
  anomolies: 'anomalies',
  anomlies: 'anomalies',
  anamolies: 'anomalies',
  anomoly: 'anomaly',
  structring: 'structuring',
  santioned: 'sanctioned',
  sanctionned: 'sanctioned',
  adress: 'address',
  adresses: 'addresses',
  addres: 'address',
  addy: 'address',
  compaints: 'complaints',
  complants: 'complaints',
  complains: 'complaints',
  sentimant: 'sentiment',
  forcast: 'forecast',
  forcaste: 'forecast',
  forecase: 'forecast',
  prediciton: 'prediction',
  similiar: 'similar',
  simlar: 'similar',
  simialr: 'similar',
  infow: 'inflow',
  mkt: 'market',
  mkts: 'markets',
  mgn: 'margin',
};

const TYPOS = new Map(Object.entries(TYPO_MAP));

const TYPO_PATTERN = new RegExp(
  `(?<![\\w-])(${[...TYPOS.keys()]
    .sort((a, b) => b.length - a.length)
    .map((word) => word.replace(/[-]/g, '\\-'))
    .join('|')})(?![\\w-])`,
  'g',
);

/** Unicode punctuation that staff paste from chat clients, mapped to the ASCII form the patterns expect. */
const PUNCTUATION: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '\u00B4': "'",
  '\u0060': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u00AB': '"',
  '\u00BB': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u00A0': ' ',
  '\u2009': ' ',
  '\u202F': ' ',
  '\u2007': ' ',
  '\u2026': '.',
  '\uFF1A': ':',
};

/** Pictographs, emoji modifiers, variation selectors and joiners: noise for routing. */
const EMOJI =
  /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200D|\uFE0E|\uFE0F|\u20E3/u;

/**
 * Lower-cases the text and maps unicode quotes, dashes and spaces to ASCII, replacing emoji with spaces,
 * WITHOUT changing its length: index `i` of the result is index `i` of the input. Slot extractors match on
 * this form and cut the same span out of the original.
 */
export function prepareText(text: string): string {
  let result = '';
  for (const character of text) {
    if (EMOJI.test(character)) {
      result += ' '.repeat(character.length);
      continue;
    }
    const mapped = PUNCTUATION[character];
    if (mapped !== undefined) {
      result += mapped;
      continue;
    }
    const lower = character.toLowerCase();
    // A few characters change length when lower-cased (e.g. 'İ'); keep those as they are.
    result += lower.length === character.length ? lower : character;
  }
  return result;
}

/**
 * The text the classifier looks at: lower-case, ASCII quotes and dashes, emoji removed, typos and
 * abbreviations repaired on word boundaries ('withdrawls' → 'withdrawals', 'vol' → 'volume'), spaces
 * collapsed.
 *
 * @example
 * normaliseText('Withdrawl vol by country 🙏') // 'withdrawal volume by country'
 */
export function normaliseText(text: string): string {
  return prepareText(text)
    .replace(TYPO_PATTERN, (word) => TYPOS.get(word) ?? word)
    .replace(/\s+/g, ' ')
    .trim();
}

/** Replaces `[start, end)` of `text` with spaces, keeping its length (so other spans stay valid). */
export function blankSpan(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}
