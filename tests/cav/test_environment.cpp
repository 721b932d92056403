#include "sampo_test.hpp"
