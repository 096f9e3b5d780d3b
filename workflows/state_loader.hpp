// Puts a Boost.MSM back-end machine into given active states. MSM has no public setter for
// them; its serialize hook visits the active-state array first, so a visitor that fills
// that array (and ignores the rest) loads a snapshot. Include only from machine .cpp files.
#pragma once

#include <algorithm>
#include <array>

namespace heat::workflows {

template <int Regions>
class StateLoader {
 public:
  explicit StateLoader(const std::array<int, Regions>& ids) : ids_(ids) {}
  StateLoader& operator&(int (&states)[Regions]) {
    std::copy(ids_.begin(), ids_.end(), states);
    return *this;
  }
  template <class T>
  StateLoader& operator&(T&) {
    return *this;
  }

 private:
  std::array<int, Regions> ids_;
};

// Loads `ids` into `machine`; false when the machine did not take them.
template <int Regions, class Machine>
bool load_states(Machine& machine, const std::array<int, Regions>& ids) {
  StateLoader<Regions> loader(ids);
  machine.serialize(loader, 0);
  return std::equal(ids.begin(), ids.end(), machine.current_state());
}

}  // namespace heat::workflows
