#include "net/internal/partial_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <utility>

namespace callbrief::net::internal {
namespace {

bool IsConfigProblem(int error_number) {
  return error_number == ENOENT || error_number == ENOTDIR || error_number == EACCES ||
         error_number == EPERM || error_number == EROFS || error_number == EISDIR;
}

core::Error DiskError(int error_number, std::string message) {
  message += ": " + std::generic_category().message(error_number);
  return IsConfigProblem(error_number) ? core::Error::Config(std::move(message))
                                       : core::Error::Transient(std::move(message));
}

}  // namespace

core::Result<std::unique_ptr<PartialFile>> PartialFile::Create(std::string final_path) {
  EVP_MD_CTX* hash = EVP_MD_CTX_new();
  if (hash == nullptr || EVP_DigestInit_ex(hash, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(hash);
    return core::Error::Transient("cannot start a SHA-256 digest");
  }
  std::string temp_path = final_path + ".part-XXXXXX";
  int fd = mkostemp(temp_path.data(), O_CLOEXEC);
  if (fd < 0) {
    int error_number = errno;
    EVP_MD_CTX_free(hash);
    return DiskError(error_number, "cannot create a file beside " + final_path);
  }
  return std::unique_ptr<PartialFile>(
      new PartialFile(std::move(final_path), std::move(temp_path), fd, hash));
}

PartialFile::PartialFile(std::string final_path, std::string temp_path, int fd, EVP_MD_CTX* hash)
    : final_path_(std::move(final_path)), temp_path_(std::move(temp_path)), fd_(fd), hash_(hash) {}

PartialFile::~PartialFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
  EVP_MD_CTX_free(hash_);
}

core::Status PartialFile::Append(std::string_view data) {
  if (write_errno_ != 0) return FileError(write_errno_, "cannot write");
  EVP_DigestUpdate(hash_, data.data(), data.size());
  while (!data.empty()) {
    ssize_t written = ::write(fd_, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      write_errno_ = errno;
      return FileError(write_errno_, "cannot write");
    }
    data.remove_prefix(static_cast<std::size_t>(written));
    bytes_ += static_cast<std::uint64_t>(written);
  }
  return core::Ok();
}

core::Status PartialFile::Commit() {
  if (write_errno_ != 0) return FileError(write_errno_, "cannot write");
  // Flushed before the rename, so after a crash `final_path` holds the whole body or nothing.
  if (::fdatasync(fd_) != 0) return FileError(errno, "cannot flush");
  if (::close(std::exchange(fd_, -1)) != 0) return FileError(errno, "cannot close");
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    return FileError(errno, "cannot rename into place");
  }
  committed_ = true;

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(hash_, digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  sha256_hex_.clear();
  for (unsigned int i = 0; i < length; ++i) {
    sha256_hex_ += kHex[digest[i] >> 4];
    sha256_hex_ += kHex[digest[i] & 0x0F];
  }
  return core::Ok();
}

core::Error PartialFile::FileError(int error_number, std::string_view action) const {
  return DiskError(error_number, std::string(action) + " " + final_path_);
}

}  // namespace callbrief::net::internal
