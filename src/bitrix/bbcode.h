#pragma once

#include <string>
#include <string_view>

namespace callbrief::bitrix {

// Bitrix24 renders CRM timeline comments (and task descriptions, chat messages) as BB-code. Text
// that did not come from us — a transcript, a summary written by a model from what a caller said,
// a client's name — must reach the reader as text, never as markup.
//
// Bitrix24 has no documented escape for BB-code. Its server-side parser (CTextParser) knows no
// [NOPARSE] and does not decode backslashes, and it turns HTML tags in the text (<b>, <a href>,
// <img src>, <table>…) into BB-code before escaping the rest, so angle brackets inject markup too.
// The newer JS toolkit (ui.bbcode.encoder) writes brackets as &#91; &#93;, but whether every
// renderer of a comment (the old server parser, the mobile app, e-mail digests, other REST
// clients) decodes those entities is unknown. So EscapeBbText replaces [ ] < > with their
// fullwidth forms ［ ］ ＜ ＞ (U+FF3B, U+FF3D, U+FF1C, U+FF1E): they look alike, no parser treats
// them as markup, and they survive any renderer unchanged. The cost is that they are other
// characters (a search for "[" will not find them); revisit if a portal shows a real escape.

// `text` with [ ] < > replaced by ［ ］ ＜ ＞. Pure; anything else, invalid UTF-8 included, is
// kept.
std::string EscapeBbText(std::string_view text);

// `text` escaped and set in bold: "[B]…[/B]". Pure.
std::string FormatBbBold(std::string_view text);

// A link: "[URL=<url>]<text escaped>[/URL]", with [ ] " ' < > whitespace and control characters
// of `url` percent-encoded so it cannot end the tag early. Pure.
std::string FormatBbLink(std::string_view url, std::string_view text);

}  // namespace callbrief::bitrix
