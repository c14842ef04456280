// MATH answer normalisation: Hendrycks et al.'s `_strip_string` / `is_equiv`, step for step, so "\dfrac12" equals "\frac{1}{2}".

/** Raised where the reference raises (IndexError, AssertionError): `is_equiv` then compares the raw strings. */
class StripError extends Error {}

function fixFracs(s: string): string {
  const parts = s.split('\\frac');
  let out = parts[0]!;
  for (const part of parts.slice(1)) {
    out += '\\frac';
    if (part.length === 0) throw new StripError('substr[0] of an empty piece');
    if (part[0] === '{') {
      out += part;
      continue;
    }
    if (part.length < 2) return s;
    const a = part[0]!;
    const b = part[1]!;
    if (b !== '{') out += `{${a}}{${b}}${part.slice(2)}`;
    else out += `{${a}}${b}${part.slice(2)}`;
  }
  return out;
}

/** Python's int(): optional sign, digits (underscores between digits allowed), surrounding spaces. */
function pythonInt(text: string): bigint | null {
  const t = text.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) return null;
  return BigInt(t.replace(/_/g, ''));
}

/** "a/b" with integers a, b written canonically becomes \frac{a}{b}; "03/4" or "+3/4" stay as written. */
function fixAOverB(s: string): string {
  const pieces = s.split('/');
  if (pieces.length !== 2) return s;
  const a = pythonInt(pieces[0]!);
  const b = pythonInt(pieces[1]!);
  if (a === null || b === null || s !== `${a}/${b}`) return s;
  return `\\frac{${a}}{${b}}`;
}

function removeRightUnits(s: string): string {
  if (!s.includes('\\text{ ')) return s;
  const splits = s.split('\\text{ ');
  if (splits.length !== 2) throw new StripError('more than one "\\text{ "');
  return splits[0]!;
}

function fixSqrt(s: string): string {
  if (!s.includes('\\sqrt')) return s;
  const splits = s.split('\\sqrt');
  let out = splits[0]!;
  for (const split of splits.slice(1)) {
    if (split.length === 0) throw new StripError('split[0] of an empty piece');
    out += split[0] !== '{' ? `\\sqrt{${split[0]}}${split.slice(1)}` : `\\sqrt${split}`;
  }
  return out;
}

const replaceAll = (s: string, from: string, to: string): string => s.split(from).join(to);

/**
 * Hendrycks's `_strip_string`: the canonical form both sides are reduced to before comparing. Only "\%"
 * is removed (the reference's "\%" literal is backslash-percent too), so a bare "50%" is not 50.
 */
export function normalizeLatex(input: string): string {
  let s = replaceAll(input, '\n', '');
  s = replaceAll(s, '\\!', '');
  s = replaceAll(s, '\\\\', '\\');
  s = replaceAll(replaceAll(s, 'tfrac', 'frac'), 'dfrac', 'frac');
  s = replaceAll(replaceAll(s, '\\left', ''), '\\right', '');
  s = replaceAll(replaceAll(s, '^{\\circ}', ''), '^\\circ', '');
  s = replaceAll(s, '\\$', '');
  s = removeRightUnits(s);
  s = replaceAll(s, '\\%', '');
  s = replaceAll(replaceAll(s, ' .', ' 0.'), '{.', '{0.');
  if (s.length === 0) return s;
  if (s[0] === '.') s = `0${s}`;
  // "k = 3" -> "3" when the left side is short (a variable name)
  const eq = s.split('=');
  if (eq.length === 2 && eq[0]!.length <= 2) s = eq[1]!;
  s = fixSqrt(s);
  s = replaceAll(s, ' ', '');
  s = fixFracs(s);
  if (s === '0.5') s = '\\frac{1}{2}';
  s = fixAOverB(s);
  return s;
}

/** MATH's `is_equiv`: equal after normalisation; where normalising fails, equal as written (null never matches). */
export function latexEquivalent(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  try {
    return normalizeLatex(a) === normalizeLatex(b);
  } catch {
    return a === b;
  }
}
