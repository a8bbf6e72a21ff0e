#pragma once

#include <span>
#include <string_view>

namespace callbrief::http {

// A file of the web UI, embedded into the binary at build time (src/http/embed_assets.cmake).
struct UiAsset {
  std::string_view name;          // "app.js", "vendor/uPlot.iife.min.js".
  std::string_view content_type;  // With charset for text.
  std::string_view body;
  std::string_view etag;  // Quoted, from the file's SHA-256.
};

// Every embedded file.
std::span<const UiAsset> UiAssets();

// The asset served under /static/<name>, or nullptr. Names are compared exactly against the
// embedded list, so no request can reach any other file.
const UiAsset* FindUiAsset(std::string_view name);

}  // namespace callbrief::http
