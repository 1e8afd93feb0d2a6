# expect_in_output(OUTPUT LINE...): fails, naming the line and showing OUTPUT, unless every LINE is in
# OUTPUT. For the scripts that prove a check fails as it should (module_*_fail.cmake).
function(expect_in_output output)
  foreach(line IN LISTS ARGN)
    string(FIND "${output}" "${line}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "expected in the check's output: ${line}\nthe output:\n${output}")
    endif()
  endforeach()
endfunction()
