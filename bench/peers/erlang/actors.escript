#!/usr/bin/env escript
%%! +S 2:2
%% Erlang/BEAM peer for the actor suite, with 2 schedulers (the *_1w rows with one online):
%% the same figures as spl/actor/actor_bench.cpp, defined the same way. One JSON line per
%% figure, best of SPL_BENCH_REPS runs (default 5).
-mode(compile).

main(_) ->
    Reps = reps(),
    figure("pingpong_1M", "ns/op", 1000000, Reps, fun pingpong/0),
    figure("counting_10M", "ns/msg", 10000000, Reps, fun counting/0),
    figure("thread_ring", "ns/hop", 10000000, Reps, fun thread_ring/0),
    figure("fork_join_big", "ns/msg", 2000000, Reps, fun fork_join_big/0),
    %% One scheduler online, as our *_1w rows (the VM was started with +S 2:2).
    erlang:system_flag(schedulers_online, 1),
    figure("pingpong_1M_1w", "ns/op", 1000000, Reps, fun pingpong/0),
    figure("counting_10M_1w", "ns/msg", 10000000, Reps, fun counting/0),
    figure("thread_ring_1w", "ns/hop", 10000000, Reps, fun thread_ring/0),
    figure("fork_join_big_1w", "ns/msg", 2000000, Reps, fun fork_join_big/0).

reps() ->
    case os:getenv("SPL_BENCH_REPS") of
        false -> 5;
        S -> max(1, list_to_integer(S))
    end.

figure(Name, Unit, N, Reps, F) ->
    Best = lists:min([F() || _ <- lists:seq(1, Reps)]),
    io:format("{\"figure\": \"~s\", \"unit\": \"~s\", \"value\": ~.3f, \"n\": ~b}~n", [Name, Unit, float(Best), N]).

now_ns() -> erlang:monotonic_time(nanosecond).

%% pingpong_1M: two processes bounce a counter 1M times; ns per round trip.
pingpong() ->
    N = 1000000,
    Self = self(),
    Pong = spawn(fun pong_loop/0),
    Ping = spawn(fun() -> receive start -> ok end, ping_loop(Pong, 0, N), Self ! done end),
    T0 = now_ns(),
    Ping ! start,
    receive done -> ok end,
    T1 = now_ns(),
    exit(Pong, kill),
    (T1 - T0) / N.

pong_loop() ->
    receive {From, I} -> From ! I + 1, pong_loop() end.

ping_loop(_Pong, N, N) -> ok;
ping_loop(Pong, I, N) ->
    Pong ! {self(), I},
    receive J -> ping_loop(Pong, J, N) end.

%% counting_10M: a producer process sends 10M messages to a counter process.
counting() ->
    N = 10000000,
    Self = self(),
    Counter = spawn(fun() -> count_loop(Self, 0, N) end),
    Producer = spawn(fun() -> receive start -> ok end, produce(Counter, 0, N) end),
    T0 = now_ns(),
    Producer ! start,
    receive counted -> ok end,
    T1 = now_ns(),
    (T1 - T0) / N.

count_loop(Parent, N, N) -> Parent ! counted;
count_loop(Parent, C, N) -> receive _ -> count_loop(Parent, C + 1, N) end.

produce(_To, N, N) -> ok;
produce(To, I, N) -> To ! I, produce(To, I + 1, N).

%% thread_ring: 500 processes pass one token 10M hops.
thread_ring() ->
    Actors = 500,
    Hops = 10000000,
    Self = self(),
    Pids = [spawn(fun() -> receive {next, Next} -> ring_loop(Self, Next) end end) || _ <- lists:seq(1, Actors)],
    Nexts = tl(Pids) ++ [hd(Pids)],
    lists:foreach(fun({P, Nx}) -> P ! {next, Nx} end, lists:zip(Pids, Nexts)),
    T0 = now_ns(),
    hd(Pids) ! Hops,
    receive ring_done -> ok end,
    T1 = now_ns(),
    lists:foreach(fun(P) -> exit(P, kill) end, Pids),
    (T1 - T0) / Hops.

ring_loop(Parent, Next) ->
    receive
        0 -> Parent ! ring_done, ring_loop(Parent, Next);
        K -> Next ! K - 1, ring_loop(Parent, Next)
    end.

%% fork_join_big (Savina "big"): 1000 processes, 1000 pings each to xorshift-chosen peers, one
%% ping in flight per process, every ping answered by a pong. 2M messages.
-define(MASK, 16#FFFFFFFF).
fork_join_big() ->
    Actors = 1000,
    Pings = 1000,
    Self = self(),
    Pids = [spawn(fun() -> receive {peers, T} -> big_loop(I, T, (I * 2654435761 + 1) band ?MASK, 0, Pings, Actors, Self) end end)
            || I <- lists:seq(0, Actors - 1)],
    Tuple = list_to_tuple(Pids),
    lists:foreach(fun(P) -> P ! {peers, Tuple} end, Pids),
    T0 = now_ns(),
    lists:foreach(fun(P) -> P ! go end, Pids),
    wait_finished(Actors),
    T1 = now_ns(),
    lists:foreach(fun(P) -> exit(P, kill) end, Pids),
    (T1 - T0) / (Actors * Pings * 2).

wait_finished(0) -> ok;
wait_finished(K) -> receive big_finished -> wait_finished(K - 1) end.

xorshift(X0) ->
    X1 = X0 bxor ((X0 bsl 13) band ?MASK),
    X2 = X1 bxor (X1 bsr 17),
    X2 bxor ((X2 bsl 5) band ?MASK).

big_loop(I, Peers, Rng, Pongs, Pings, Actors, Parent) ->
    receive
        {ping, From} ->
            element(From + 1, Peers) ! pong,
            big_loop(I, Peers, Rng, Pongs, Pings, Actors, Parent);
        pong when Pongs + 1 == Pings ->
            Parent ! big_finished,
            big_loop(I, Peers, Rng, Pongs + 1, Pings, Actors, Parent);
        Msg when Msg == go; Msg == pong ->
            R = xorshift(Rng),
            element((R rem Actors) + 1, Peers) ! {ping, I},
            P = case Msg of pong -> Pongs + 1; go -> Pongs end,
            big_loop(I, Peers, R, P, Pings, Actors, Parent)
    end.
