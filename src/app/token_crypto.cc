#include "app/token_crypto.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>

namespace callbrief::app {
namespace {

using core::Error;

constexpr std::string_view kPrefix = "v1:";
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr const char* kKeyFileName = "bitrix-app.key";

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

std::string Base64(const std::vector<std::uint8_t>& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Strict: only the alphabet, a length that is a multiple of 4, padding at the end only, and the
// one canonical encoding of the bytes.
bool FromBase64(std::string_view text, std::vector<std::uint8_t>* out) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > (1u << 20)) return false;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (c == '=' && i + 2 >= text.size()) {
      ++padding;
    } else if (!alphabet || padding > 0) {
      return false;
    }
  }
  out->assign(text.size() / 4 * 3, 0);
  int n = EVP_DecodeBlock(out->data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0 || static_cast<std::size_t>(n) < padding) return false;
  out->resize(static_cast<std::size_t>(n) - padding);
  // Canonical only: a last character whose unused bits are set decodes to the same bytes, so
  // a changed value would otherwise open.
  return Base64(*out) == text;
}

Error Unreadable() {
  return Error::Config(
      "the stored Bitrix24 application tokens cannot be decrypted: they were changed, or encrypted "
      "with another key (BITRIX24_APP_KEY, or DATA_DIR/bitrix-app.key — several instances need "
      "the same BITRIX24_APP_KEY); install the application again to store new ones");
}

bool ParseHexKey(std::string_view hex, TokenCipher::Key* key) {
  if (hex.size() != 2 * TokenCipher::kKeyBytes) return false;
  for (std::size_t i = 0; i < key->size(); ++i) {
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int high = digit(hex[2 * i]);
    int low = digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    (*key)[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return true;
}

}  // namespace

core::Result<std::string> TokenCipher::Seal(std::string_view plaintext,
                                            std::string_view context) const {
  std::vector<std::uint8_t> out(kNonceBytes + plaintext.size() + kTagBytes);
  if (RAND_bytes(out.data(), static_cast<int>(kNonceBytes)) != 1) {
    return Error::Transient("encrypting the Bitrix24 application tokens: no random bytes");
  }
  Ctx ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), out.data()) &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &n,
                              reinterpret_cast<const unsigned char*>(context.data()),
                              static_cast<int>(context.size())) &&
            EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &n,
                              reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())) &&
            EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + n, &n) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                                out.data() + kNonceBytes + plaintext.size());
  if (!ok) return Error::Permanent("encrypting the Bitrix24 application tokens failed (OpenSSL)");
  return std::string(kPrefix) + Base64(out);
}

core::Result<std::string> TokenCipher::Open(std::string_view sealed,
                                            std::string_view context) const {
  std::vector<std::uint8_t> bytes;
  if (!sealed.starts_with(kPrefix) || !FromBase64(sealed.substr(kPrefix.size()), &bytes) ||
      bytes.size() < kNonceBytes + kTagBytes) {
    return Unreadable();
  }
  const std::size_t length = bytes.size() - kNonceBytes - kTagBytes;
  std::string plain(length, '\0');
  Ctx ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), bytes.data()) &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &n,
                              reinterpret_cast<const unsigned char*>(context.data()),
                              static_cast<int>(context.size())) &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &n,
                              bytes.data() + kNonceBytes, static_cast<int>(length)) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                                bytes.data() + kNonceBytes + length) &&
            EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + n, &n);
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return Unreadable();
  }
  return plain;
}

core::Result<TokenCipher::Key> LoadTokenKey(std::string_view hex_key, const std::string& data_dir) {
  TokenCipher::Key key{};
  if (!hex_key.empty()) {
    if (!ParseHexKey(hex_key, &key)) {
      return Error::Config("BITRIX24_APP_KEY: must be 64 hexadecimal digits");
    }
    return key;
  }
  const std::string path = (std::filesystem::path(data_dir) / kKeyFileName).string();
  auto read = [&]() -> core::Result<TokenCipher::Key> {
    std::ifstream file(path);
    std::string text;
    std::getline(file, text);
    if (!file && !file.eof()) {
      return Error::Config(fmt::format("cannot read the token key file {}", path));
    }
    if (!ParseHexKey(text, &key)) {
      return Error::Config(fmt::format(
          "the token key file {} does not hold 64 hexadecimal digits: restore it from a backup "
          "(or delete it and install the Bitrix24 application again)",
          path));
    }
    return key;
  };
  if (std::filesystem::exists(path)) return read();
  // O_EXCL: of two processes creating the key at once, one writes it and the other reads it.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return read();
    return Error::Config(
        fmt::format("cannot create the token key file {}: {}", path, std::strerror(errno)));
  }
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    ::close(fd);
    ::unlink(path.c_str());
    return Error::Transient("creating the token key: no random bytes");
  }
  std::string hex;
  for (std::uint8_t byte : key) hex += fmt::format("{:02x}", byte);
  hex += '\n';
  bool written =
      ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  ::close(fd);
  OPENSSL_cleanse(hex.data(), hex.size());
  if (!written) {
    ::unlink(path.c_str());
    return Error::Config(fmt::format("cannot write the token key file {}", path));
  }
  return key;
}

}  // namespace callbrief::app
