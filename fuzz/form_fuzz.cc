// The PHP-style form decoder Bitrix24's event bodies go through (core/php_form.h), with whatever
// bytes anyone on the internet posts to the webhook.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/php_form.h"

namespace {

// Whether `value` is one EncodePhpForm promises to give back through DecodePhpForm: string
// leaves, non-empty objects, names non-empty and free of brackets (no arrays: `a[]=v` decodes to
// one, and arrays encode as `a[0]`, which reads back as an object by design). Recursion is
// bounded by the decoder's 32 levels.
bool RoundTrips(const nlohmann::json& value) {
  if (value.is_string()) return true;
  if (!value.is_object() || value.empty()) return false;
  for (const auto& [name, child] : value.items()) {
    if (name.empty() || name.find_first_of("[]") != std::string::npos) return false;
    if (!RoundTrips(child)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto decoded = callbrief::core::DecodePhpForm(body);
  if (!decoded.ok() || !RoundTrips(*decoded)) return 0;
  // The promise of EncodePhpForm: what it wrote decodes to the same value.
  std::string encoded = callbrief::core::EncodePhpForm(*decoded);
  auto again = callbrief::core::DecodePhpForm(encoded);
  if (!again.ok() || *again != *decoded) std::abort();
  return 0;
}
