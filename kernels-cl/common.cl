/*
 * common.cl - the prelude: definitions that several kernel families share. It holds no kernel.
 *
 * io.clgrad.backend.opencl.ProgramCache prepends this file to every kernels-cl/<family>.cl before
 * building it, as
 *     #line 1 "common.cl"  <this file>  #line 1 "<family>.cl"  <the family file>
 * so the compiler's build log names the file and line a message belongs to. Every family file
 * therefore compiles on its own together with this prelude (and only with it), with its defaults
 * or with the -D options of io.clgrad.backend.opencl.DeviceTuning. The prelude's text is part of
 * each program's cache key (in memory and on disk), so a change here rebuilds every program.
 *
 * Contents:
 *   RED_WG                   largest work-group size of the reduction kernels of reduce.cl,
 *                            softmax.cl and loss.cl (a power of two; DeviceTuning sets it with -D)
 *   clg_ksum, clg_ksum_add, clg_ksum_value
 *                            compensated (Neumaier) summation: a running sum and its rounding error
 *   clg_group_sum            sum over a work-group of one float per work-item (local-memory tree)
 *   clg_sigmoid              the logistic function in its overflow-free two-branch form
 * Names defined here start with clg_ (functions, types) or are the documented tunables above.
 */

