#pragma once

// Internal to callbrief_net: include it from src/net/ only.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace callbrief::net::internal {

// A download on its way to `final_path`: written to a temporary file in the same directory and
// hashed with SHA-256 as it goes, then flushed to disk and renamed into place by Commit(). Until
// then `final_path` is untouched; destroying an uncommitted file deletes the temporary one.
// Errors on the local disk are kConfig when the directory is missing, read-only or not ours, and
// kTransient otherwise (a full disk). Not thread-safe: one download, one thread.
class PartialFile {
 public:
  static core::Result<std::unique_ptr<PartialFile>> Create(std::string final_path);
  ~PartialFile();
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  [[nodiscard]] core::Status Append(std::string_view data);
  // Refuses once an Append has failed, so a file with a hole never reaches `final_path`.
  [[nodiscard]] core::Status Commit();

  std::uint64_t bytes() const { return bytes_; }
  const std::string& temp_path() const { return temp_path_; }
  // Valid after a successful Commit().
  const std::string& sha256_hex() const { return sha256_hex_; }

 private:
  PartialFile(std::string final_path, std::string temp_path, int fd, EVP_MD_CTX* hash);
  core::Error FileError(int error_number, std::string_view action) const;

  const std::string final_path_;
  const std::string temp_path_;
  int fd_;
  EVP_MD_CTX* hash_;
  std::uint64_t bytes_ = 0;
  int write_errno_ = 0;
  bool committed_ = false;
  std::string sha256_hex_;
};

}  // namespace callbrief::net::internal
