using System.Text;
using System.Text.Json;

namespace FaceAttr.Messaging.Tests;

public class CommandRouterTests
{
    private readonly TestLog _log = new();
    private readonly CommandRouter _router;

    public CommandRouterTests() => _router = new CommandRouter("kiosk-1", _log);

    private Task<CommandReply> Handle(string verb, string payload) =>
        _router.HandleAsync(verb, Encoding.UTF8.GetBytes(payload), CancellationToken.None);

    [Fact]
    public async Task Ping_is_built_in()
    {
        var reply = await Handle("ping", "");
        Assert.True(reply.Ok);
        Assert.True(reply.Result!.Value.GetProperty("pong").GetBoolean());
        Assert.Contains("ping", reply.Result.Value.GetProperty("verbs").EnumerateArray().Select(v => v.GetString()));
        SchemaValidator.AssertValid(SchemaValidator.CommandReply, PayloadSerializer.SerializeReply(reply));
    }

    [Fact]
    public async Task Registered_handlers_get_the_payload_and_return_a_snake_case_result()
    {
        _router.Register("echo", (payload, _) => ValueTask.FromResult<object?>(new { EchoedName = payload.GetProperty("name").GetString() }));
        var reply = await Handle("echo", """{"name":"lobby"}""");
        Assert.True(reply.Ok, reply.Error?.Message);
        Assert.Equal("lobby", reply.Result!.Value.GetProperty("echoed_name").GetString());
        Assert.Throws<InvalidOperationException>(() => _router.Register("echo", (_, _) => ValueTask.FromResult<object?>(null)));
        Assert.Throws<ArgumentException>(() => _router.Register("Echo Two", (_, _) => ValueTask.FromResult<object?>(null)));
    }

    [Theory]
    [InlineData("explode", "{}", CommandErrorCodes.UnknownVerb)]
    [InlineData("Not A Verb/..", "{}", CommandErrorCodes.UnknownVerb)]
    [InlineData("ping", "{not json", CommandErrorCodes.InvalidJson)]
    [InlineData("ping", "\"just a string\"", CommandErrorCodes.InvalidPayload)]
    [InlineData("ping", "[1,2,3]", CommandErrorCodes.InvalidPayload)]
    [InlineData("ping", "{} trailing", CommandErrorCodes.InvalidJson)]
    public async Task Junk_becomes_an_error_reply_and_a_log_line(string verb, string payload, string code)
    {
        var reply = await Handle(verb, payload);
        Assert.False(reply.Ok);
        Assert.Equal(code, reply.Error!.Code);
        Assert.Null(reply.Result);
        Assert.Contains(_log.At(MessagingLogLevel.Warning), l => l.Contains(code, StringComparison.Ordinal));
        SchemaValidator.AssertValid(SchemaValidator.CommandReply, PayloadSerializer.SerializeReply(reply));
    }

    [Fact]
    public async Task Invalid_utf8_and_oversized_payloads_are_error_replies()
    {
        var junk = await _router.HandleAsync("ping", new byte[] { 0xff, 0xfe, 0x00, 0x7b }, CancellationToken.None);
        Assert.Equal(CommandErrorCodes.InvalidJson, junk.Error!.Code);
        var huge = await _router.HandleAsync("ping", new byte[CommandRouter.MaxPayloadBytes + 1], CancellationToken.None);
        Assert.Equal(CommandErrorCodes.InvalidPayload, huge.Error!.Code);
    }

    [Fact]
    public async Task Handler_failures_and_timeouts_are_error_replies()
    {
        _router.Register("crash", (_, _) => throw new InvalidOperationException("boom"));
        _router.Register("refuse", (_, _) => throw new CommandException("not_allowed", "not on this site"));
        _router.Register("typed", (p, _) => ValueTask.FromResult<object?>(p.Deserialize<int[]>()));
        _router.Register("slow", async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });

        var crash = await Handle("crash", "{}");
        Assert.Equal(CommandErrorCodes.HandlerFailed, crash.Error!.Code);
        Assert.Contains("boom", crash.Error.Message, StringComparison.Ordinal);
        Assert.Contains(_log.At(MessagingLogLevel.Error), l => l.Contains("boom", StringComparison.Ordinal));

        var refuse = await Handle("refuse", "{}");
        Assert.Equal("not_allowed", refuse.Error!.Code);

        var typed = await Handle("typed", """{"a":1}""");
        Assert.Equal(CommandErrorCodes.InvalidPayload, typed.Error!.Code);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var slow = await _router.HandleAsync("slow", default, timeout.Token);
        Assert.Equal(CommandErrorCodes.Timeout, slow.Error!.Code);
        foreach (var reply in new[] { crash, refuse, typed, slow })
        {
            SchemaValidator.AssertValid(SchemaValidator.CommandReply, PayloadSerializer.SerializeReply(reply));
        }
    }
}
