#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace callbrief::app {

// AES-256-GCM (OpenSSL EVP) for the few secrets callbrief keeps in its database: the Bitrix24
// local application's tokens. The key lives outside the database (BITRIX24_APP_KEY or a key file
// in DATA_DIR), so a copy of the database alone reveals no token.
class TokenCipher {
 public:
  static constexpr std::size_t kKeyBytes = 32;
  using Key = std::array<std::uint8_t, kKeyBytes>;

  explicit TokenCipher(const Key& key) : key_(key) {}

  // "v1:" + base64(nonce ‖ ciphertext ‖ tag), a fresh random 96-bit nonce per call. `context`
  // (e.g. the setting's name) is authenticated but not stored: a value copied to another place
  // does not open there.
  core::Result<std::string> Seal(std::string_view plaintext, std::string_view context) const;
  // The plaintext, or kConfig when the value was changed, belongs to another context or was sealed
  // with another key (the message says which key to check; it never contains the value).
  core::Result<std::string> Open(std::string_view sealed, std::string_view context) const;

 private:
  Key key_;
};

// The key: BITRIX24_APP_KEY (`hex_key`, 64 hex digits) when set, else the file
// `data_dir`/bitrix-app.key, created with mode 0600 and 32 random bytes on first use (two processes
// creating it at once agree on the first one written). kConfig when the file cannot be read or
// created, or holds something else than a key.
core::Result<TokenCipher::Key> LoadTokenKey(std::string_view hex_key, const std::string& data_dir);

}  // namespace callbrief::app
