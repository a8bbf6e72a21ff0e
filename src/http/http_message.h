#pragma once

// The request and response the handlers see, independent of the HTTP library that reads and
// writes them (src/http/mhd_server.cc): handlers can be unit-tested without a socket, and the
// library can be replaced without touching them. The member names follow the ones the handlers
// were written against (cpp-httplib's), so a handler reads the same as before.

#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callbrief::http {

// Header names compare without regard to case (RFC 9110, 5.1).
bool HeaderNameEquals(std::string_view a, std::string_view b);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;     // "GET", "HEAD", "POST"
  std::string path;       // Percent-decoded, without the query.
  std::string version{};  // "HTTP/1.1"
  HeaderList headers{};
  // The query's parameters, and for a form post (application/x-www-form-urlencoded) the body's.
  std::multimap<std::string, std::string> params{};
  std::string body{};
  std::string remote_addr{};
  // The route's capture groups, set by the router; they point into `path`.
  std::smatch matches{};

  bool has_header(std::string_view name) const;
  // The first value of a header, or "".
  std::string get_header_value(std::string_view name) const;
  bool has_param(const std::string& name) const { return params.count(name) > 0; }
  std::string get_param_value(const std::string& name) const;
};

// A file answer: streamed from an open descriptor (sendfile where the library can), which the
// response owns and closes.
class FileBody {
 public:
  FileBody(int fd, std::uint64_t offset, std::uint64_t length)
      : fd_(fd), offset_(offset), length_(length) {}
  FileBody(FileBody&& other) noexcept;
  FileBody& operator=(FileBody&& other) noexcept;
  FileBody(const FileBody&) = delete;
  FileBody& operator=(const FileBody&) = delete;
  ~FileBody();

  // Hands the descriptor over (the caller closes it from now on).
  int release();
  std::uint64_t offset() const { return offset_; }
  std::uint64_t length() const { return length_; }

 private:
  int fd_ = -1;
  std::uint64_t offset_ = 0;
  std::uint64_t length_ = 0;
};

struct Response {
  int status = 200;
  HeaderList headers;
  std::string body;
  // Instead of `body`, when set.
  std::optional<FileBody> file;

  // Replaces an earlier value of the same header, except Set-Cookie, which may repeat.
  void set_header(std::string_view name, std::string_view value);
  bool has_header(std::string_view name) const;
  std::string get_header_value(std::string_view name) const;
  void set_content(std::string content, std::string_view content_type);
  void set_content(const char* data, std::size_t size, std::string_view content_type);
};

// Parses "a=1&b=x+y%21" (a query or an application/x-www-form-urlencoded body) into `out`:
// '+' is a space, %XX a byte; malformed escapes stay as they are.
void ParseUrlEncoded(std::string_view text, std::multimap<std::string, std::string>& out);

}  // namespace callbrief::http
