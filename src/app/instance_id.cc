#include "app/instance_id.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

namespace callbrief::app {

core::Result<std::string> InstanceName(const std::string& data_dir) {
  const std::filesystem::path file = std::filesystem::path(data_dir) / "instance-id";
  std::string id;
  if (std::ifstream in(file); in) std::getline(in, id);
  if (id.empty()) {
    std::random_device random;
    id = fmt::format("{:08x}{:08x}", random(), random());
    std::ofstream out(file, std::ios::trunc);
    out << id << "\n";
    if (!out) {
      return core::Error::Config(
          fmt::format("cannot write {}: check DATA_DIR and its rights", file.string()));
    }
  }
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "host");
  return fmt::format("{}/{}", host, id);
}

}  // namespace callbrief::app
