def test_smoke(slack, imported_plan, fake_slack):
    r = slack.command("lista")
    assert r.status == 200, r.body
    call = fake_slack.wait_for("response_url")[0]
    print(call.body)
    r = slack.command("uppfolj 1.1")
    v = slack.opened_view()
    print(v)
    r = slack.submit(v, {"text": "Vi har haft möten"})
    print(r.status, r.body)
    print(fake_slack.methods())
