/** The company shapes the console reads: the server's contract, imported as types only. */
export type {
  CompanyMemberObject as CompanyMember,
  CompanyObject as Company,
  CompanyOrgObject as CompanyOrg,
  CompanyOwnerObject as CompanyOwner,
  CompanyTokenObject as CompanyToken,
} from '../../api/contract/companies.contract.ts';
