/**
 * Masking of customer PII (email, phone, full name, postal address, wallet addresses). Masked values
 * keep just enough to recognise a record in a conversation ("j***@g***.com", "+90 *** ** 34") and
 * nothing that identifies the person.
 */

/** Roles allowed to see PII unmasked. */
export const PII_ROLES: ReadonlySet<string> = new Set(['compliance', 'admin']);

/** True when the role may see unmasked PII. */
export function canSeePii(role: string): boolean {
  return PII_ROLES.has(role);
}

/** 'john.doe@gmail.com' → 'j***@g***.com'. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot >= 0 ? domain.slice(dot) : '';
  return `${email[0]}***@${domain[0] ?? ''}***${tld}`;
}

/** '+90 532 555 12 34' → '+90 *** ** 34': the country code and last two digits stay. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 4) return '***';
  const country = phone.trim().startsWith('+')
    ? `+${digits.slice(0, digits.length > 10 ? digits.length - 10 : 1)} `
    : '';
  return `${country}*** ** ${digits.slice(-2)}`;
}

/** 'Ayşe Yılmaz' → 'A. Y.'. */
export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${part[0]}.`)
    .join(' ');
}

/** A postal address keeps only its last part (city or country): '12 High St, Leeds' → '***, Leeds'. */
export function maskAddress(address: string): string {
  const parts = address.split(',').map((part) => part.trim());
  return parts.length > 1 ? `***, ${parts[parts.length - 1]}` : '***';
}

/** A wallet address keeps its first 6 and last 4 characters: '0x1234…abcd'. */
export function maskWalletAddress(address: string): string {
  return address.length <= 12 ? address : `${address.slice(0, 6)}…${address.slice(-4)}`;
}

const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE_PATTERN = /(?<![\w])\+?\d[\d\s().-]{7,}\d(?![\w])/g;
const CARD_PATTERN = /\b(?:\d[ -]?){13,19}\b/g;

// Wallet addresses: EVM (0x + 40 hex), Bitcoin bech32 and legacy base58, Tron, and Solana-style base58
// (32–44 characters, which must mix digits and both cases so ordinary long words are left alone).
const EVM_ADDRESS_PATTERN = /\b0x[0-9a-fA-F]{40}\b/g;
const BECH32_ADDRESS_PATTERN = /\b(?:bc|tb|ltc)1[02-9ac-hj-np-z]{25,62}\b/gi;
const BASE58_ADDRESS_PATTERN = /\b[1-9A-HJ-NP-Za-km-z]{25,44}\b/g;

function maskBase58(match: string): string {
  const looksLikeAddress = /\d/.test(match) && /[A-Z]/.test(match) && /[a-z]/.test(match);
  return looksLikeAddress ? maskWalletAddress(match) : match;
}

/** Masks emails, wallet addresses, phone and card numbers inside free text (feedback, answers). */
export function maskPiiInText(text: string): string {
  return text
    .replace(EMAIL_PATTERN, (match) => maskEmail(match))
    .replace(EVM_ADDRESS_PATTERN, (match) => maskWalletAddress(match))
    .replace(BECH32_ADDRESS_PATTERN, (match) => maskWalletAddress(match))
    .replace(BASE58_ADDRESS_PATTERN, maskBase58)
    .replace(CARD_PATTERN, (match) => {
      const digits = match.replace(/\D/g, '');
      // The pattern may swallow the separator after the last digit; give it back.
      const trailing = /[ -]$/.test(match) ? match.slice(-1) : '';
      return digits.length >= 13 ? `**** **** **** ${digits.slice(-4)}${trailing}` : match;
    })
    .replace(PHONE_PATTERN, (match) => (match.replace(/\D/g, '').length >= 8 ? maskPhone(match) : match));
}
