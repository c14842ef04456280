// MATH answer normalisation: Hendrycks et al.'s `strip_string` / `is_equiv`, so "\dfrac12" equals "\frac{1}{2}".

function fixFracs(s: string): string {
  const parts = s.split('\\frac');
  let out = parts[0]!;
  for (const part of parts.slice(1)) {
    out += '\\frac';
    if (part.startsWith('{')) {
      out += part;
      continue;
    }
    if (part.length < 2) return s;
    const a = part[0]!;
    const b = part[1]!;
    if (b !== '{') out += `{${a}}{${b}}${part.slice(2)}`;
    else out += `{${a}}${part.slice(1)}`;
  }
  return out;
}

function fixAOverB(s: string): string {
  const pieces = s.split('/');
  if (pieces.length !== 2) return s;
  const [a, b] = pieces as [string, string];
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) return `\\frac{${Number(a)}}{${Number(b)}}`;
  return s;
}

function removeRightUnits(s: string): string {
  const at = s.indexOf('\\text{ ');
  return at >= 0 ? s.slice(0, at) : s;
}

function fixSqrt(s: string): string {
  return s.replace(/\\sqrt([^{\s])/g, '\\sqrt{$1}');
}

/** Hendrycks's `strip_string`: the canonical form both sides are reduced to before comparing. */
export function normalizeLatex(input: string): string {
  let s = input.replace(/\n/g, '');
  s = s.replace(/\\!/g, '');
  s = s.replace(/\\\\/g, '\\');
  s = s.replace(/tfrac/g, 'frac').replace(/dfrac/g, 'frac');
  s = s.replace(/\\left/g, '').replace(/\\right/g, '');
  s = s.replace(/\^\{\\circ\}/g, '').replace(/\^\\circ/g, '');
  s = s.replace(/\\\$/g, '');
  s = removeRightUnits(s);
  s = s.replace(/\\%/g, '').replace(/%/g, '');
  s = s.replace(/ \./g, ' 0.').replace(/\{\./g, '{0.');
  if (s.length === 0) return s;
  if (s[0] === '.') s = `0${s}`;
  // "k = 3" -> "3" when the left side is short (a variable name)
  const eq = s.split('=');
  if (eq.length === 2 && eq[0]!.length <= 2) s = eq[1]!;
  s = fixSqrt(s);
  s = s.replace(/ /g, '');
  s = fixFracs(s);
  if (s === '0.5') s = '\\frac{1}{2}';
  s = fixAOverB(s);
  return s;
}

/** MATH's `is_equiv`: equal after normalisation (null never equals anything). */
export function latexEquivalent(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  try {
    return normalizeLatex(a) === normalizeLatex(b);
  } catch {
    return a === b;
  }
}
