#pragma once

#include <string>

#include "core/result.h"

namespace callbrief::app {

// This instance's name on its pipeline leases: "<hostname>/<id>", where the id is made once and
// kept in DATA_DIR/instance-id. A process restarted after a crash on the same data directory is
// the same instance, so it takes back its own leases at once instead of waiting for them to
// expire; instances with their own data directories (several services on one PostgreSQL) never
// share a name.
core::Result<std::string> InstanceName(const std::string& data_dir);

}  // namespace callbrief::app
