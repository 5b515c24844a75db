/**
 * The names Go's regexp accepts in \p{Name}. Go 1.25 changed the lookup (case-insensitive, ignoring
 * spaces, `_` and `-`; new names Assigned, ASCII, Cn, LC and the long category aliases such as
 * Letter). Which Go built the OPA we must agree with is not known here, so only names both the old
 * exact lookup and the new canonical one resolve the same way are answered; the others stop.
 * Unicode versions: Go's tables (Unicode 15.0) and this Node's ICU (process.versions.unicode) differ
 * for code points assigned after 15.0; a match that rests on one of those stops (unicode-15.ts).
 * Property changes of code points assigned before 15.0 are taken as they are in this runtime.
 */

/** General categories of Go's unicode.Categories (exact keys before Go 1.25). */
const CATEGORIES = new Set([
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs',
]);

/** Go's unicode.Scripts keys (Unicode 15.0). */
const SCRIPTS = new Set(
  (
    'Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Bhaiksuki ' +
    'Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee ' +
    'Chorasmian Common Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan ' +
    'Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi ' +
    'Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inherited ' +
    'Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi ' +
    'Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani ' +
    'Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui ' +
    'Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari ' +
    'New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian ' +
    'Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya Pahawh_Hmong ' +
    'Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada Shavian ' +
    'Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le ' +
    'Tai_Tham Tai_Viet Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Toto Ugaritic Vai ' +
    'Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square'
  ).split(' '),
);

/** unicode.CategoryAliases and the special names Go 1.25 added. */
const NEWER_NAMES = (
  'Any Assigned ASCII Cn LC Cased_Letter Close_Punctuation Combining_Mark Connector_Punctuation Control ' +
  'Currency_Symbol Dash_Punctuation Decimal_Number Enclosing_Mark Final_Punctuation Format Initial_Punctuation ' +
  'Letter Letter_Number Line_Separator Lowercase_Letter Mark Math_Symbol Modifier_Letter Modifier_Symbol ' +
  'Nonspacing_Mark Number Open_Punctuation Other Other_Letter Other_Number Other_Punctuation Other_Symbol ' +
  'Paragraph_Separator Private_Use Punctuation Separator Space_Separator Spacing_Mark Surrogate Symbol ' +
  'Titlecase_Letter Unassigned Uppercase_Letter cntrl digit punct'
).split(' ');

/** Go 1.25's canonicalName: first letter upper, the rest lower, without `_`, `-` and spaces. */
function canonical(name: string): string {
  const bare = name.replace(/[_\- ]/g, '');
  return bare.slice(0, 1).toUpperCase() + bare.slice(1).toLowerCase();
}

const ANY_VERSION = new Set([...CATEGORIES, ...SCRIPTS, ...NEWER_NAMES].map(canonical));

export type UnicodeClassName = { kind: 'any' } | { kind: 'category'; name: string } | { kind: 'script'; name: string };

export function goUnicodeClass(name: string): UnicodeClassName | 'unknown' | 'version-dependent' {
  if (name === 'Any') return { kind: 'any' };
  if (CATEGORIES.has(name)) return { kind: 'category', name };
  if (SCRIPTS.has(name) && canonical(name) === name) return { kind: 'script', name };
  return ANY_VERSION.has(canonical(name)) ? 'version-dependent' : 'unknown';
}
