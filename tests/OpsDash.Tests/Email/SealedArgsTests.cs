namespace OpsDash.Tests.Email;

/// <summary>db/scripts/0028: a job's sealed args leave the table when it finishes, however it finishes.</summary>
public sealed class SealedArgsTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Theory]
    [InlineData("completed", false)]
    [InlineData("dead", false)]
    [InlineData("cancelled", false)]
    [InlineData("retryable", true)]
    public async Task Sealed_keys_are_removed_when_a_job_finishes_and_kept_while_it_may_run_again(string state, bool kept)
    {
        var run = Guid.NewGuid().ToString("N");
        await factory.ExecuteOwnerAsync(
            "insert into jobs.jobs (kind, args) values ('email.test', jsonb_build_object('run', @run, 'to', 'a@example.test', 'sealedLink', 'v1.x', 'sealedOther', 'v1.y'))",
            new { run });

        await factory.ExecuteOwnerAsync(
            "update jobs.jobs set state = @state, finished_at = now() where args->>'run' = @run", new { state, run });

        var keys = await factory.ScalarAsync<string>(
            "select string_agg(k, ',' order by k) from jobs.jobs, jsonb_object_keys(args) k where args->>'run' = @run", new { run });
        Assert.Equal(kept ? "run,sealedLink,sealedOther,to" : "run,to", keys);
    }

    [Fact]
    public async Task Args_that_only_mention_sealed_in_a_value_are_left_as_they_are()
    {
        var run = Guid.NewGuid().ToString("N");
        await factory.ExecuteOwnerAsync(
            "insert into jobs.jobs (kind, args) values ('email.test', jsonb_build_object('run', @run, 'note', 'a \"sealed\" envelope'))", new { run });

        await factory.ExecuteOwnerAsync("update jobs.jobs set state = 'completed', finished_at = now() where args->>'run' = @run", new { run });

        Assert.Equal("a \"sealed\" envelope", await factory.ScalarAsync<string>("select args->>'note' from jobs.jobs where args->>'run' = @run", new { run }));
    }
}
