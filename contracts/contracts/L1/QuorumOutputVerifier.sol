// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { IOutputVerifier } from "../interfaces/IOutputVerifier.sol";
import { ProverRegistry } from "./ProverRegistry.sol";

/// @title QuorumOutputVerifier
/// @notice Accepts an output root when at least `registry.quorum()` distinct registered provers signed the EIP-712
///         message `OutputAttestation(uint256 chainId,uint256 l2BlockNumber,bytes32 outputRoot)` under the domain
///         `{name: "MachOutputVerifier", version: "1", chainId: <L1 chain id>, verifyingContract: this}`.
///         `_proof` is `abi.encode(bytes[] signatures)`, 65-byte `r ‖ s ‖ v` signatures ordered by strictly
///         increasing signer address (which makes signers distinct without storage).
contract QuorumOutputVerifier is IOutputVerifier {
    bytes32 public constant ATTESTATION_TYPEHASH =
        keccak256("OutputAttestation(uint256 chainId,uint256 l2BlockNumber,bytes32 outputRoot)");
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    /// @notice secp256k1n / 2: larger `s` values are malleable duplicates (EIP-2).
    uint256 internal constant MAX_S = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    ProverRegistry public immutable registry;

    error InvalidSignature(uint256 index);
    error SignersNotSorted(uint256 index);
    error NotProver(address signer);
    error QuorumNotReached(uint256 signatures, uint256 quorum);

    constructor(ProverRegistry _registry) {
        registry = _registry;
    }

    function domainSeparator() public view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256("MachOutputVerifier"), keccak256("1"), block.chainid, address(this)
            )
        );
    }

    /// @notice The EIP-712 digest provers sign for `(l2ChainId, l2BlockNumber, outputRoot)`.
    function attestationDigest(uint256 _l2ChainId, uint256 _l2BlockNumber, bytes32 _outputRoot)
        public
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(ATTESTATION_TYPEHASH, _l2ChainId, _l2BlockNumber, _outputRoot));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    /// @inheritdoc IOutputVerifier
    function verifyOutput(uint256 _l2ChainId, uint256 _l2BlockNumber, bytes32 _outputRoot, bytes calldata _proof)
        external
        view
        returns (bool)
    {
        bytes[] memory signatures = abi.decode(_proof, (bytes[]));
        uint256 required = registry.quorum();
        if (signatures.length < required) revert QuorumNotReached(signatures.length, required);
        bytes32 digest = attestationDigest(_l2ChainId, _l2BlockNumber, _outputRoot);
        address previous = address(0);
        for (uint256 i = 0; i < signatures.length; i++) {
            address signer = _recover(digest, signatures[i], i);
            if (signer <= previous) revert SignersNotSorted(i);
            if (!registry.isProver(signer)) revert NotProver(signer);
            previous = signer;
        }
        return true;
    }

    function _recover(bytes32 _digest, bytes memory _signature, uint256 _index) internal pure returns (address) {
        if (_signature.length != 65) revert InvalidSignature(_index);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := mload(add(_signature, 32))
            s := mload(add(_signature, 64))
            v := byte(0, mload(add(_signature, 96)))
        }
        if (v < 27) v += 27;
        if (uint256(s) > MAX_S || (v != 27 && v != 28)) revert InvalidSignature(_index);
        address signer = ecrecover(_digest, v, r, s);
        if (signer == address(0)) revert InvalidSignature(_index);
        return signer;
    }
}
