#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace callbrief::core {

// `application/x-www-form-urlencoded` with PHP's bracket conventions. Bitrix24 posts webhook
// events to us in this form (`event=ONVOXIMPLANTCALLEND&data[CALL_ID]=...&auth[domain]=...`) and
// its REST methods read parameters in it, so we read as PHP's parse_str does and write as PHP's
// http_build_query does.

// Parses `body` into a JSON object whose leaves are all strings.
//  - Fields are split on `&` (empty pieces are skipped) and each at its first `=`; a piece
//    without `=` is a name with an empty value. `+` is a space and %XX a byte, in names and values
//    alike, and names are decoded before their brackets are read, so `data%5BX%5D` is `data[X]`.
//  - `a[b][c]=v` nests objects. `a[0]` is the object key "0": objects are never turned into
//    arrays. `a[]=v` appends: to a JSON array when `a` is new or an array, and to an object under
//    the next integer key, as a string ("1 + the largest non-negative integer key", or "0"). An
//    array that later gets a named key becomes an object with keys "0".."n-1", as PHP's ordered
//    maps behave.
//  - An index runs to the next `]` (so `a[b[c]` is key "b[c"), and anything after a `]` that is
//    not followed by `[` is ignored, as in PHP: `a[b]c=1` is `a[b]=1`.
//  - A later assignment wins, including a string replacing a container or the reverse.
//  - A field whose name is empty (`=v`) is dropped, as PHP drops it.
//  - Unlike PHP, spaces and dots in the top-level name are kept (`v.1` stays `v.1`, not `v_1`):
//    nothing we receive relies on the mangling, and keeping names makes Encode/Decode inverses.
// Errors are kInvalidInput and name the field (as sent, truncated, never its value, which may be
// a token): an invalid %-escape, a name that is empty before its brackets (`[a]=1`), unbalanced
// brackets (`a[b=1`, `a]b=1`), more than 32 levels of brackets, more than 2000 fields, and a name
// or value that is not valid UTF-8 once decoded (overlong forms and surrogates included).
Result<nlohmann::json> DecodePhpForm(std::string_view body);

// Builds a body from `object` as http_build_query does: nested objects as `a%5Bb%5D%5Bc%5D=v`,
// arrays as `a%5B0%5D=..&a%5B1%5D=..`, strings as they are, numbers in plain decimal (integral
// ones without `.0`), booleans as `1`/`0`; nulls and empty containers produce nothing. Names and
// values are percent-encoded: every byte except RFC 3986 unreserved `A-Za-z0-9-._~` becomes %XX
// (uppercase hex, so a space is %20, not `+`). Fields come out in the object's iteration order,
// which for nlohmann::json is sorted by key.
// Contract: `object` must be a JSON object; anything else yields "". DecodePhpForm(result) gives
// back `object` when its leaves are strings, its containers non-empty objects, and its names
// non-empty and free of `[` and `]`.
std::string EncodePhpForm(const nlohmann::json& object);

}  // namespace callbrief::core
