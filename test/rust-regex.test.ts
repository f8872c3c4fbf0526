// Rust regex-syntax 0.8.11 rules: each rejected pattern beside an accepted neighbour.
import { rustRegexProblem } from '../src/rust-regex';

// [rejected, expected reason fragment, accepted neighbour, rule (regex-syntax src/ast/parse.rs unless noted)]
const RULES: Array<[string, RegExp, string, string]> = [
  ['@a(?=b)', /look-around/, '@a(?:b)', 'look-ahead (?= (is_lookaround_prefix, parse.rs:531)'],
  ['@a(?!b)', /look-around/, '@a(b)', 'negative look-ahead (?!'],
  ['(?<=@)a', /look-around/, '(?<at>@)a', 'look-behind (?<= vs a named group (?<name>'],
  ['(?<!@)a', /look-around/, '(?P<at>@)a', 'negative look-behind (?<! vs (?P<name>'],
  ['(a)\\1', /back-references/, '(a)\\x31', 'numbered back-reference (parse_escape, parse.rs:1489-1503)'],
  ['\\0', /back-references/, '\\x00', 'octal/\\0 is off by default'],
  ['(?<n>a)\\k<n>', /unrecognized escape.*named back-references/, '(?<n>a)\\<', 'named back-reference \\k<name>'],
  ['(?>a+)b', /unrecognized flag ">"/, '(?:a+)b', 'atomic group (parse_flag, parse.rs:1411)'],
  ['(?#note)a', /unrecognized flag "#"/, '(?x)a # note', 'inline comment group vs x-mode comment'],
  ["(?'n'a)", /unrecognized flag/, '(?<n>a)', "(?'name') syntax"],
  ['a\\Z', /\\z, not \\Z/, 'a\\z', '\\Z is not Rust; \\z is'],
  ['\\Ga', /unrecognized escape/, '\\Aa', '\\G is not supported; \\A is'],
  ['\\cJ', /unrecognized escape/, '\\n', 'JavaScript control escapes'],
  ['a\\e', /unrecognized escape/, 'a\\a', 'escape letters outside a f t n r v'],
  ['\\☃', /unrecognized escape/, '\\/\\-\\ \\@', 'only ASCII punctuation may be escaped (is_escapeable_character, lib.rs:305)'],
  ['a{,3}', /needs a minimum/, 'a{0,3}', 'empty_min_range is off (parse_counted_repetition, parse.rs:1103)'],
  ['a{3,1}', /exceeds maximum/, 'a{1,3}', 'counted range min > max'],
  ['a{2', /unclosed counted repetition/, 'a{2}', 'unclosed counted repetition (JS u-mode agrees, non-u JS reads it literally)'],
  ['a{x}', /expects a decimal/, 'a\\{x\\}', 'non-decimal count'],
  ['a{99999999999}', /32 bits/, 'a{9999}', 'count must fit u32 (parse_decimal)'],
  ['*a', /nothing to repeat/, 'a*', 'repetition without an operand'],
  ['(?i)*', /nothing to repeat/, '(?i)a*', 'repetition of a flag group'],
  ['a|{2}', /nothing to repeat/, 'a|b{2}', 'counted repetition after |'],
  ['(a', /unclosed group/, '(a)', 'unclosed group'],
  ['a)', /unopened group/, '\\(a\\)', 'unopened group'],
  ['(?<1a>x)', /invalid character/, '(?<a1>x)', 'capture names start with a letter or _ (is_capture_char, parse.rs:111)'],
  ['(?<a-b>x)', /invalid character/, '(?<a.b[0]>x)', 'capture names allow _ . [ ] and alphanumerics'],
  ['(?<>x)', /empty capture group name/, '(?<_>x)', 'empty capture name'],
  ['(?<a>x)(?<a>y)', /duplicate capture group name/, '(?<a>x)(?<b>y)', 'duplicate capture name'],
  ['(?q)a', /unrecognized flag "q"/, '(?imsUuRx)a', 'flags i m s U u R x'],
  ['(?ii)a', /duplicate flag/, '(?i-m)a', 'duplicate flag'],
  ['(?i--m)a', /repeated/, '(?i-m)a', 'repeated negation'],
  ['(?i-)a', /without a flag/, '(?i)a', 'dangling negation'],
  ['(?)a', /empty flag group/, '(?:)a', 'empty flag group'],
  ['[a', /unclosed character class/, '[a]', 'unclosed class'],
  ['[]', /unclosed character class/, '[]]', '"]" first in a class is a literal, so "[]" is unclosed (parse_set_class_open)'],
  ['[^]', /unclosed character class/, '[^]]', 'JavaScript [^] has no Rust equivalent'],
  ['[z-a]', /invalid class range/, '[a-z]', 'range out of order'],
  ['[\\d-z]', /literal at both ends/, '[\\d\\-z]', 'class as a range endpoint (into_class_literal)'],
  ['[\\b]', /not allowed inside a character class/, '[\\x08]', 'assertion escapes inside a class (ClassEscapeInvalid)'],
  ['\\x4', /hexadecimal digits/, '\\x41', '\\x takes two hex digits (parse_hex_digits)'],
  ['\\u{D800}', /not a Unicode scalar value/, '\\u{1F600}', 'surrogates are not scalar values'],
  ['\\x{}', /empty/, '\\x{41}', 'empty braced hex'],
  ['\\p{}', /empty Unicode class/, '\\p{Greek}\\pL', 'empty Unicode class'],
  ['\\b{middle}', /unrecognized special word boundary/, '\\b{start}a\\b{end}', 'special word boundaries'],
  ['(?-u:\\xFF)', /invalid UTF-8/, '(?-u:\\x7F)', 'non-Unicode byte escapes above 0x7F (translate.rs:821-839)'],
  ['(?-u).', /invalid UTF-8/, '(?-u)\\w', '"." outside Unicode mode (hir_dot, translate.rs:883-889)'],
  ['(?-u:\\W)', /invalid UTF-8/, '(?-u:\\w)', 'negated Perl class outside Unicode mode'],
  ['(?-u:[^a])', /invalid UTF-8/, '(?-u:[a])', 'negated class outside Unicode mode'],
  ['(?-u:\\pL)', /not allowed with Unicode mode off/, '(?u:\\pL)', '\\p outside Unicode mode (translate.rs:1024-1034)'],
  ['a\\', /incomplete escape/, 'a\\\\', 'trailing backslash'],
  [`${'('.repeat(251)}a${')'.repeat(251)}`, /nesting deeper/, `${'('.repeat(100)}a${')'.repeat(100)}`, 'nest limit 250 (ParserBuilder default, parse.rs:141)'],
];

describe('rustRegexProblem', () => {
  test.each(RULES)('rejects %j (%s) and accepts %j — %s', (bad, reason, good) => {
    expect(rustRegexProblem(bad)).toMatch(reason);
    expect(rustRegexProblem(good)).toBeUndefined();
  });

  test('the rejected examples that JavaScript accepts are exactly why RegExp cannot validate them', () => {
    for (const pattern of ['@a(?=b)', '(?<=@)a', '(a)\\1', '(?<n>a)\\k<n>', '[^]', '[]', '\\cJ', '\\0']) {
      expect(() => new RegExp(pattern)).not.toThrow();
      expect(rustRegexProblem(pattern)).toBeDefined();
    }
  });

  test.each([
    ['(?i)@telegram_.*:example\\.org', 'inline flags (a JavaScript syntax error)'],
    ['[[:alpha:]_]+', 'POSIX ASCII classes'],
    ['[a-z&&[^aeiou]]', 'class intersection'],
    ['[a-z--[aeiou]]', 'class difference'],
    ['[a-c~~b-d]', 'symmetric difference'],
    ['a*+', 'a repetition of a repetition'],
    ['\\<word\\>', 'start and end of word'],
    ['(?x) a b # comment\n c', 'verbose mode'],
    ['(?x)[ a - z ]', 'verbose mode inside a class'],
    ['', 'the empty pattern'],
    ['@_discord_[0-9]{6,}:matrix\\.example\\.org', 'a typical bridge namespace'],
    ['}]', 'lone closing brackets are literals'],
  ])('accepts %j (%s)', (pattern) => {
    expect(rustRegexProblem(pattern)).toBeUndefined();
  });

  test('a non-string input is a reason, not a TypeError', () => {
    expect(rustRegexProblem(42 as unknown as string)).toBe('is not a string');
  });
});
