// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { IDACertVerifier } from "../../interfaces/IDACertVerifier.sol";
import { Owned } from "../../lib/Owned.sol";

/// @title DevnetDACertVerifier
/// @notice Devnet stand-in for EigenDA's `EigenDACertVerifier`: no BLS attestation check, only EigenDA's size bound
///         (an empty or over-262,144-byte certificate is INVALID_CERT) plus an owner-managed deny list, so devnets
///         and tests can exercise the rejection path.
contract DevnetDACertVerifier is IDACertVerifier, Owned {
    uint8 internal constant SUCCESS = 1;
    uint8 internal constant INVALID_CERT = 6;
    uint256 public constant MAX_CERT_BYTES = 262_144;

    mapping(bytes32 => bool) public rejected;

    event CertRejected(bytes32 indexed certHash, bool rejected);

    constructor(address _owner) Owned(_owner) { }

    /// @inheritdoc IDACertVerifier
    function checkDACert(bytes calldata _cert) external view returns (uint8) {
        if (_cert.length == 0 || _cert.length > MAX_CERT_BYTES) return INVALID_CERT;
        if (rejected[keccak256(_cert)]) return INVALID_CERT;
        return SUCCESS;
    }

    function setRejected(bytes32 _certHash, bool _rejected) external onlyOwner {
        rejected[_certHash] = _rejected;
        emit CertRejected(_certHash, _rejected);
    }

    /// @notice EigenDA V4 certificates.
    function certVersion() external pure returns (uint8) {
        return 4;
    }
}
