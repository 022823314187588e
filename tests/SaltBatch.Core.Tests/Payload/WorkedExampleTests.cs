using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Payload;

public class WorkedExampleTests
{
    [Fact]
    public void FixtureWritesTheReferenceBytes()
    {
        Assert.Equal(337, WorkedExample.Bytes.Length);
        Assert.Equal(Hex.Of(WorkedExample.Bytes), Hex.Of(WorkedExample.State().ToBytes()));
    }

    [Fact]
    public void ReferenceBytesDecodeToTheState()
    {
        var state = Assert.IsType<PayloadMap>(PayloadReader.ReadDocument(WorkedExample.Bytes, TextDecoding.FileSemantics));

        Assert.Equal(
            ["jid", "all_minions", "pending", "active", "done", "failed", "wait", "batch_size", "fun", "arg", "kwargs", "tgt",
             "tgt_type", "failhard", "batch_wait", "timeout", "gather_job_timeout", "last_progress", "created", "halted",
             "halted_reason", "driver", "ret", "user"],
            state.Keys);
        Assert.Equal("20240610120000000000", state.Get("jid"));
        Assert.Equal(new object?[] { "web1", "web2", "web3" }, state.Get("all_minions"));
        Assert.Equal(new object?[] { "web3" }, state.Get("pending"));
        var active = Assert.IsType<PayloadMap>(state.Get("active"));
        Assert.Equal(1718020800.0, active.Get("web2"));
        var done = Assert.IsType<PayloadMap>(Assert.IsType<PayloadMap>(state.Get("done")).Get("web1"));
        Assert.Equal(true, done.Get("ret"));
        Assert.Equal(0L, done.Get("retcode"));
        Assert.Empty(Assert.IsType<PayloadMap>(state.Get("failed")));
        Assert.Empty(Assert.IsType<List<object?>>(state.Get("wait")));
        Assert.Equal(2L, state.Get("batch_size"));
        Assert.Equal("test.ping", state.Get("fun"));
        Assert.Equal("web*", state.Get("tgt"));
        Assert.Equal("glob", state.Get("tgt_type"));
        Assert.Equal(false, state.Get("failhard"));
        Assert.Equal(0L, state.Get("batch_wait"));
        Assert.Equal(60L, state.Get("timeout"));
        Assert.Equal(10L, state.Get("gather_job_timeout"));
        Assert.Equal(1718020802.25, state.Get("last_progress"));
        Assert.Equal(1718020800.0, state.Get("created"));
        Assert.Equal(false, state.Get("halted"));
        Assert.True(state.ContainsKey("halted_reason"));
        Assert.Null(state.Get("halted_reason"));
        Assert.Equal("master", state.Get("driver"));
        Assert.Equal("", state.Get("ret"));
        Assert.Equal("root", state.Get("user"));
    }
}
