using AgentMesh.Services.Agents.Loop;

namespace AgentMesh.Tests.Agents;

public sealed class LoopDetectorTests
{
    private static TranscriptEntry Call(string name, string args, string text = "") => new("assistant", text, [new ToolCallRecord("id", name, "s", "t", args)]);

    private static TranscriptEntry Result => new("tool", "r", ToolCallId: "id");

    [Fact]
    public void The_same_call_with_the_same_arguments_n_times_in_a_row_is_a_loop_whatever_the_key_order()
    {
        List<TranscriptEntry> transcript = [new("system", "s"), Call("fs__read", """{"a":1,"b":[1,{"x":2,"y":3}]}"""), Result,
            Call("fs__read", """{"b":[1,{"y":3,"x":2}],"a":1}"""), Result, Call("fs__read", """{ "a": 1, "b": [1, {"x": 2, "y": 3}] }""")];

        Assert.Equal("called fs__read with the same arguments", LoopDetector.Repeats(transcript, 3));
        Assert.Null(LoopDetector.Repeats(transcript, 4));
    }

    [Fact]
    public void Different_arguments_text_or_an_interruption_is_no_loop()
    {
        Assert.Null(LoopDetector.Repeats([Call("fs__read", """{"p":1}"""), Result, Call("fs__read", """{"p":2}"""), Result, Call("fs__read", """{"p":1}""")], 3));
        Assert.Null(LoopDetector.Repeats([Call("fs__read", "{}", "a"), Result, Call("fs__read", "{}", "b"), Result, Call("fs__read", "{}", "a")], 3));
        Assert.Equal("gave the same answer", LoopDetector.Repeats([new("assistant", "same"), new("assistant", "same")], 2));
    }
}
