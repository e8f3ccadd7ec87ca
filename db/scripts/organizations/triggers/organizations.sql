create or replace trigger organizations_touch before update on organizations.organizations for each row execute function core.touch_updated_at();

create or replace trigger organizations_claim_slug
    after insert or update of slug on organizations.organizations
    for each row execute function organizations.claim_slug();
