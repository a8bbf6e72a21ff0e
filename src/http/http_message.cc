#include "http/http_message.h"

#include <unistd.h>

#include <cctype>

namespace callbrief::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string DecodeComponent(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

template <typename List>
const std::string* FindHeader(const List& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (HeaderNameEquals(key, name)) return &value;
  }
  return nullptr;
}

}  // namespace

bool HeaderNameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool Request::has_header(std::string_view name) const {
  return FindHeader(headers, name) != nullptr;
}

std::string Request::get_header_value(std::string_view name) const {
  const std::string* value = FindHeader(headers, name);
  return value ? *value : std::string();
}

std::string Request::get_param_value(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

FileBody::FileBody(FileBody&& other) noexcept
    : fd_(other.fd_), offset_(other.offset_), length_(other.length_) {
  other.fd_ = -1;
}

FileBody& FileBody::operator=(FileBody&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    offset_ = other.offset_;
    length_ = other.length_;
    other.fd_ = -1;
  }
  return *this;
}

FileBody::~FileBody() {
  if (fd_ >= 0) ::close(fd_);
}

int FileBody::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void Response::set_header(std::string_view name, std::string_view value) {
  if (!HeaderNameEquals(name, "Set-Cookie")) {
    for (auto& [key, old] : headers) {
      if (HeaderNameEquals(key, name)) {
        old = std::string(value);
        return;
      }
    }
  }
  headers.emplace_back(std::string(name), std::string(value));
}

bool Response::has_header(std::string_view name) const {
  return FindHeader(headers, name) != nullptr;
}

std::string Response::get_header_value(std::string_view name) const {
  const std::string* value = FindHeader(headers, name);
  return value ? *value : std::string();
}

void Response::set_content(std::string content, std::string_view content_type) {
  body = std::move(content);
  file.reset();
  set_header("Content-Type", content_type);
}

void Response::set_content(const char* data, std::size_t size, std::string_view content_type) {
  set_content(std::string(data, size), content_type);
}

void ParseUrlEncoded(std::string_view text, std::multimap<std::string, std::string>& out) {
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    out.emplace(DecodeComponent(key), DecodeComponent(value));
  }
}

}  // namespace callbrief::http
