namespace OpsDash.SharedKernel.Tenancy;

public static class OrgRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All = [Owner, Admin, Member, Viewer];

    public static bool IsAdmin(string role) => role is Owner or Admin;

    public static bool CanWrite(string role) => role is Owner or Admin or Member;
}
