#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace callbrief::fakes {

// What Telegram makes of a text sent with parse_mode HTML: the plain text the chat shows and its
// MessageEntity list (offsets and lengths in UTF-16 units), or the reason it refuses the text.
struct ParsedHtml {
  bool ok = false;
  std::string error{};  // "Unsupported start tag \"div\" at byte offset 3", as after
                        // "Bad Request: can't parse entities: ".
  std::string text{};
  nlohmann::json entities = nlohmann::json::array();
};

// Parses like the Bot API (tdlib's parse_html): only the documented tags (b strong i em u ins s
// strike del span.tg-spoiler tg-spoiler a[href] code pre blockquote[expandable] tg-emoji) are
// accepted, tag names are case-insensitive, end tags must close the innermost open tag, every
// tag must be closed, &lt; &gt; &amp; &quot; and numeric references are decoded, any other '&'
// stays literal. Written independently of callbrief's formatter so that it can catch its bugs.
ParsedHtml ParseTelegramHtml(std::string_view html);

// Length in UTF-16 code units of valid UTF-8.
std::size_t Utf16Units(std::string_view utf8);

}  // namespace callbrief::fakes
